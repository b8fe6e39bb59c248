// Pixel-level ROC AUC over all pixels of all test frames, exact (no binning) and memory-sane: only the scores of
// the rarer class are kept (sorted, Float64Array, 8 bytes each); the other class is streamed and each score is
// located among them (a bucket table over the value range, then binary search inside one bucket). AUC = P(score_pos > score_neg) + 0.5 P(equal), which is what sklearn's
// trapezoid over distinct thresholds equals (up to float rounding).
import { MetricsError } from './errors.ts';

/** One frame (or video) of pixels: scores and 0/1 ground-truth mask values, same length. */
export interface PixelFrame {
  scores: ArrayLike<number>;
  mask: ArrayLike<number | boolean>;
  /** Used in error details. */
  video?: string;
  frame?: number;
}

/** Pixel AUC; null when all pixels are one class. Throws NON_FINITE_SCORE / INVALID_LABEL / LENGTH_MISMATCH. */
export function pixelAuc(frames: Iterable<PixelFrame>): number | null {
  const list = [...frames];
  let positives = 0;
  let negatives = 0;
  for (const frame of list) {
    const where = { video: frame.video, frame: frame.frame };
    if (frame.scores.length !== frame.mask.length) {
      throw new MetricsError('LENGTH_MISMATCH', `${frame.mask.length} mask values but ${frame.scores.length} scores`, { ...where, field: 'gt_masks' });
    }
    for (let i = 0; i < frame.mask.length; i++) {
      const label = frame.mask[i];
      if (label === 1 || label === true) positives++;
      else if (label === 0 || label === false) negatives++;
      else throw new MetricsError('INVALID_LABEL', `mask value ${String(label)} at pixel ${i} is not 0 or 1`, { ...where, index: i, field: 'gt_masks' });
      if (!Number.isFinite(frame.scores[i])) {
        throw new MetricsError('NON_FINITE_SCORE', `pixel score ${frame.scores[i]} at pixel ${i} is not finite`, { ...where, index: i, field: 'anomaly_maps' });
      }
    }
  }
  if (positives === 0 || negatives === 0) return null;
  // Keep the rarer class; `keptIsPositive` decides which way "greater" counts.
  const keptIsPositive = positives <= negatives;
  const kept = new Float64Array(keptIsPositive ? positives : negatives);
  let fill = 0;
  for (const frame of list) {
    for (let i = 0; i < frame.mask.length; i++) {
      const isPositive = frame.mask[i] === 1 || frame.mask[i] === true;
      if (isPositive === keptIsPositive) kept[fill++] = frame.scores[i]!;
    }
  }
  kept.sort();
  // below[j] = number of streamed scores strictly between distinct kept value j-1 and j; equal[j] = equal to j.
  const distinct: number[] = [];
  const keptCount: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    if (i > 0 && kept[i] === kept[i - 1]) keptCount[keptCount.length - 1]! += 1;
    else {
      distinct.push(kept[i]!);
      keptCount.push(1);
    }
  }
  const below = new Float64Array(distinct.length + 1);
  const equal = new Float64Array(distinct.length);
  const locate = bucketIndex(distinct);
  for (const frame of list) {
    for (let i = 0; i < frame.mask.length; i++) {
      const isPositive = frame.mask[i] === 1 || frame.mask[i] === true;
      if (isPositive === keptIsPositive) continue;
      const score = frame.scores[i]!;
      const position = locate(score);
      if (position < distinct.length && distinct[position] === score) equal[position]! += 1;
      else below[position]! += 1;
    }
  }
  // Pairs (kept value, streamed value): count pairs where kept > streamed, half the ties.
  let streamedBelow = 0;
  let keptGreater = 0;
  for (let j = 0; j < distinct.length; j++) {
    streamedBelow += below[j]!;
    keptGreater += keptCount[j]! * (streamedBelow + 0.5 * equal[j]!);
    streamedBelow += equal[j]!;
  }
  const fraction = keptGreater / (positives * negatives);
  return keptIsPositive ? fraction : 1 - fraction;
}

/**
 * Returns a function giving, for a value, the first index of `sorted` (ascending, distinct) holding a value >= it.
 * Values are hashed to buckets by a monotone affine map, so only the few entries of one bucket are searched.
 */
function bucketIndex(sorted: readonly number[]): (value: number) => number {
  const count = sorted.length;
  const low = sorted[0]!;
  const high = sorted[count - 1]!;
  const buckets = Math.max(1, Math.min(1 << 20, count));
  const scale = high > low ? buckets / (high - low) : 0;
  const bucketOf = (value: number) => Math.min(buckets - 1, Math.floor((value - low) * scale));
  // starts[b] = first index whose bucket is >= b; monotone bucketOf keeps each bucket's entries contiguous.
  const starts = new Int32Array(buckets + 1).fill(count);
  for (let i = count - 1; i >= 0; i--) starts[bucketOf(sorted[i]!)] = i;
  for (let b = buckets - 1; b >= 0; b--) starts[b] = Math.min(starts[b]!, starts[b + 1]!);
  return (value) => {
    if (value <= low) return 0;
    if (value > high) return count;
    const bucket = bucketOf(value);
    let lo = starts[bucket]!;
    let hi = starts[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
