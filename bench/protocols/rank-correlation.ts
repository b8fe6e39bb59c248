// Spearman's rank correlation with ties (average ranks): how far two orderings of the same cells agree.
/** Ranks 1..n of `values` (highest first), ties sharing their mean rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    for (let k = start; k <= end; k++) ranks[order[k]!.index] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation of the average ranks: Spearman's rho with ties. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const [rx, ry] = [averageRanks(x), averageRanks(y)];
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let sxy = 0, sxx = 0, syy = 0;
  rx.forEach((value, index) => {
    sxy += (value - mx) * (ry[index]! - my);
    sxx += (value - mx) ** 2;
    syy += (ry[index]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
