// Spearman rank correlation between a sweep's validation metric and its test micro AUC (issue 13, point 2), with the
// table for bench/RESULTS.md. Reads sweep.json; computes nothing from labels itself.
// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/validation-spearman.ts runs/<name>/sweep-<id>/sweep.json
import { readFileSync } from 'node:fs';
import type { SweepSummary } from '../packages/runtime/src/sweep/sweep-run.ts';
import { spearman } from './protocols/rank-correlation.ts';

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
