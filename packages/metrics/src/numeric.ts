// Floating-point helpers that reproduce numpy's summation order, so that AUCs equal sklearn's to the last bit
// whenever the same trapezoids are summed (numpy's add.reduce is a pairwise sum with 8 accumulators).

const BLOCK = 128;

function pairwise(values: ArrayLike<number>, start: number, length: number): number {
  if (length < 8) {
    let sum = -0;
    for (let i = start; i < start + length; i++) sum += values[i]!;
    return sum;
  }
  if (length <= BLOCK) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < length - (length % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = r[j]! + values[start + i + j]!;
    }
    let sum = (r[0]! + r[1]! + (r[2]! + r[3]!)) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < length; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwise(values, start, half) + pairwise(values, start + half, length - half);
}

/** Sum in numpy's pairwise order (`np.add.reduce` on a contiguous float64 array). */
export function pairwiseSum(values: ArrayLike<number>): number {
  return values.length === 0 ? 0 : pairwise(values, 0, values.length);
}

/** `np.trapz(y, x)`: the trapezoid rule over points with increasing x, summed as numpy sums. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length < 2) return 0;
  const parts = new Float64Array(x.length - 1);
  for (let i = 0; i < parts.length; i++) parts[i] = ((x[i + 1]! - x[i]!) * (y[i + 1]! + y[i]!)) / 2;
  return pairwiseSum(parts);
}
