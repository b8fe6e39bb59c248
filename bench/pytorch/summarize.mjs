// Prints the issue-14 table from vs-pytorch.sh's results.jsonl. Per configuration and engine: the median over rounds
// of each round's median frames/s, with the min-max of all repeats and the number of rounds. "pytorch" is, per
// round, the faster of the official code's 1- and 2-thread runs (pytorch-1, pytorch-2). The ratio column is vadc's
// default engine over that PyTorch figure within the same round: the median over rounds, then the lowest.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fixed = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const columns = ['pytorch', 'pytorch-1', 'pytorch-2', 'tfjs-wasm', 'onnx', 'onnx-int8', 'official-onnx'];
const configs = [...new Set(rows.map((r) => r.config))];
const rounds = [...new Set(rows.map((r) => r.round))];

// The synthetic "pytorch" rows: per round, the faster of the two thread counts.
for (const config of configs) {
  for (const round of rounds) {
    const both = rows.filter((r) => r.config === config && r.round === round && r.engine.startsWith('pytorch-'));
    if (both.length === 0) continue;
    const best = both.reduce((a, b) => (b.frames_per_s.median > a.frames_per_s.median ? b : a));
    rows.push({ ...best, engine: 'pytorch', picked: best.engine });
  }
}

// Ratios within one round (the same machine state), then the median over rounds and the lowest.
const ratio = (config, top, bottom) => {
  const of = (engine) => rows.filter((r) => r.config === config && r.engine === engine);
  const values = of(top).map((r) => { const q = of(bottom).find((b) => b.round === r.round); return q ? r.frames_per_s.median / q.frames_per_s.median : NaN; }).filter(Number.isFinite);
  return values.length === 0 ? '-' : `${fixed(median(values))}x; ${fixed(Math.min(...values))}x`;
};
console.log(`| configuration | ${columns.join(' | ')} | vadc default / pytorch (median; lowest) | int8 / fp32 | int8 / official onnx | fp32 / official onnx | peak RSS GiB (pytorch / vadc) |`);
console.log(`| --- | ${columns.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- |`);
for (const config of configs) {
  const of = (engine) => rows.filter((r) => r.config === config && r.engine === engine);
  const cells = columns.map((engine) => {
    const runs = of(engine);
    if (runs.length === 0) return '-';
    const all = runs.flatMap((r) => r.repeats);
    return `${fixed(median(runs.map((r) => r.frames_per_s.median)))} (${fixed(Math.min(...all), 1)}-${fixed(Math.max(...all), 1)}; ${runs.length})`;
  });
  const ratios = of('onnx').map((r) => { const p = of('pytorch').find((q) => q.round === r.round); return p ? r.frames_per_s.median / p.frames_per_s.median : NaN; }).filter(Number.isFinite);
  const peak = (engine) => fixed(Math.max(...of(engine).map((r) => r.peak_rss_gib)));
  const overPytorch = ratios.length === 0 ? '-' : `${fixed(median(ratios))}x; ${fixed(Math.min(...ratios))}x`;
  console.log(`| ${config} | ${cells.join(' | ')} | ${overPytorch} | ${ratio(config, 'onnx-int8', 'onnx')} | ${ratio(config, 'onnx-int8', 'official-onnx')} | ${ratio(config, 'onnx', 'official-onnx')} | ${peak('pytorch')} / ${peak('onnx')} |`);
}
const chosen = [...new Set(rows.filter((r) => r.engine === 'onnx').map((r) => r.chosen))];
console.log(`\nvadc's default engine resolved to: ${chosen.join(', ')}`);
