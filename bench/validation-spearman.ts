// Spearman rank correlation between a sweep's validation metric and its test micro AUC (issue 13, point 2), with the
// table for bench/RESULTS.md. Reads sweep.json; computes nothing from labels itself.
// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/validation-spearman.ts runs/<name>/sweep-<id>/sweep.json
import { readFileSync } from 'node:fs';
import type { SweepSummary } from '../packages/cli/src/run/sweep-run.ts';

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

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: validation-spearman.ts <sweep.json>\n');
  process.exit(2);
}
const summary = JSON.parse(readFileSync(path, 'utf8')) as SweepSummary;
const metric = (summary.ranking.by ?? 'validation.micro_auc').replace(/^validation\./, '') as 'micro_auc';
const cells = summary.runs.filter((entry) => entry.validation?.[metric] != null && entry.metrics.micro_auc !== null);
const keys = Object.keys(cells[0]?.values ?? {});
const fmt = (value: number | null | undefined) => (value == null ? 'n/a' : value.toFixed(4));
const lines = [
  `| rank | ${keys.join(' | ')} | validation ${metric} | test micro AUC | test macro AUC |`,
  `| --- | ${keys.map(() => '---').join(' | ')} | --- | --- | --- |`,
  ...[...cells].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity)).map((entry) =>
    `| ${entry.rank ?? '-'} | ${keys.map((key) => String(entry.values[key])).join(' | ')} | ${fmt(entry.validation?.[metric])} | ${fmt(entry.metrics.micro_auc)} | ${fmt(entry.metrics.macro_auc)} |`),
];
const rho = spearman(cells.map((entry) => entry.validation![metric]!), cells.map((entry) => entry.metrics.micro_auc!));
process.stdout.write(`${lines.join('\n')}\n\nSpearman rho (validation ${metric} vs test micro AUC) over ${cells.length} cells: ${rho.toFixed(3)}\n`);
