// How well does a validation protocol rank models the way real labels do? (issue 24, point 1)
// For every trained cell under a runs folder (bench/protocols/train-cells.sh), each protocol makes the cell's
// held-out training videos abnormal its own way (pasted generators, replayed objects, videos abnormal throughout
// beside normal ones) and scores them with the cell's model; the test split's labels give the real metric. Each
// training is read under several scorings (weights, top_patches), which re-weight stored components, so a training
// makes several cells. Prints, per protocol, Spearman's rho between validation micro AUC and test micro AUC over
// the cells, and writes every number to <runs>/protocols-<source>.json. Labels are only read to measure protocols.
// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/protocols/measure.ts <runs-folder> <source> [--masks]
//   --masks: also the test-time mask curve (1 / 2 complementary / 4 masks) under one protocol (DEFAULT_PROTOCOL,
//   a protocol name), and the mask noise: the same cell under another mask seed. --masks-only skips the protocols.
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, ValidationPlan } from '../../packages/dsl/src/index.ts';
import { createOnnxInference, DataPipeline, openDataset, scoreVideo, selectBackend, type VideoScores } from '../../packages/runtime/src/index.ts';
import { frameScores } from '../../packages/runtime/src/score/components.ts';
import { type TestVideo } from '../../packages/runtime/src/data/types.ts';
import { evaluateRun } from '../../packages/runtime/src/score/evaluate.ts';
import { createEngine } from '../../packages/runtime/src/engines/create-engine.ts';
import type { BatchInference } from '../../packages/runtime/src/engine/engine.ts';
import { readRun } from '../../packages/runtime/src/run-folder/run-folder.ts';
import { decodeComponents, encodeComponents, PatchComponentCollector, videoScoresFromComponents } from '../../packages/runtime/src/run-folder/sweep-components.ts';
import { loadTrainedModel, readRunPlan } from '../../packages/runtime/src/detect/trained-run.ts';
import { spearman } from './rank-correlation.ts';

/** A protocol: how the held-out videos are made abnormal (validation keys; hold_out and seed stay the cell's). */
interface Protocol {
  name: string;
  validation: Partial<Pick<ValidationPlan, 'generator'>> & { whole?: number; normal?: number };
}

const PROTOCOLS: Protocol[] = [
  { name: 'paste procedural', validation: { generator: 'procedural' } },
  { name: 'paste foreground', validation: { generator: 'foreground' } },
  { name: 'replay', validation: { generator: 'replay' } },
  { name: 'paste procedural, whole + normal', validation: { generator: 'procedural', whole: 1, normal: 1 } },
  { name: 'paste foreground, whole + normal', validation: { generator: 'foreground', whole: 1, normal: 1 } },
  { name: 'replay, whole + normal', validation: { generator: 'replay', whole: 1, normal: 1 } },
];

/** Protocols that combine others: the mean of their validation values. */
const COMBINATIONS: Array<{ name: string; of: string[] }> = [
  { name: 'foreground + replay', of: ['paste foreground', 'replay'] },
  { name: 'foreground + replay, whole + normal', of: ['paste foreground, whole + normal', 'replay, whole + normal'] },
  { name: 'all pastes + replay, whole + normal', of: ['paste procedural, whole + normal', 'paste foreground, whole + normal', 'replay, whole + normal'] },
];

/** Scorings each training is read under (each is a cell). */
const SCORINGS: Array<{ name: string; weights: Partial<Plan['scoring']['weights']>; top_patches: number | null }> = [
  { name: 'paper', weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5 }, top_patches: null },
  { name: 'teacher 0', weights: { teacher: 0, discrepancy: 0.5, anomaly_map: 0.5 }, top_patches: null },
  { name: 'top 10', weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5 }, top_patches: 10 },
];

const [root, source, ...flags] = process.argv.slice(2);
if (root === undefined || source === undefined) {
  process.stderr.write('usage: measure.ts <runs-folder> <source> [--masks]\n');
  process.exit(2);
}
const masksOnly = flags.includes('--masks-only');
/** The protocol of the test-time mask curve: vadc's default (procedural pastes in stretches), or $DEFAULT_PROTOCOL. */
const DEFAULT_PROTOCOL = process.env.DEFAULT_PROTOCOL ?? 'paste procedural';
const withMasks = masksOnly || flags.includes('--masks');

function scoringPlan(plan: Plan, scoring: (typeof SCORINGS)[number], masks?: Plan['scoring']['test_masks']): Plan {
  return { ...plan, scoring: { ...plan.scoring, weights: { ...plan.scoring.weights, ...scoring.weights }, top_patches: scoring.top_patches, ...(masks ? { test_masks: masks } : {}) } };
}

/** Scores videos once and returns a function giving their VideoScores under any scoring (stored components). */
async function scoreOnce(videos: readonly TestVideo[], plan: Plan, infer: BatchInference): Promise<(variant: Plan) => VideoScores[]> {
  const collector = new PatchComponentCollector(plan.scoring.errors);
  const scored: VideoScores[] = [];
  for (const video of videos) scored.push(await scoreVideo(video, plan, infer, { onBatch: (outputs) => collector.add(video.name, video.frameCount, outputs) }));
  const stored = decodeComponents(encodeComponents(scored, collector, plan.scoring.errors));
  const truth = new Map(videos.map((video) => [video.name, video.truth]));
  return (variant) => videoScoresFromComponents(stored, variant, (name) => truth.get(name) ?? null);
}

const micro = (videos: VideoScores[], plan: Plan): number | null => evaluateRun(videos, { ...plan, eval: { ...plan.eval, metrics: ['micro_auc', 'macro_auc'] } }).micro_auc;

interface CellResult {
  cell: string;
  training: string;
  scoring: string;
  test: { micro_auc: number | null; macro_auc: number | null };
  validation: Record<string, number | null>;
  masks?: Record<string, { validation: number | null; test: number | null; seconds: number }>;
}

const cells: CellResult[] = [];
await selectBackend('cpu', { threads: 'auto' });
// Training folders only: the protocols-<source>*.json files this script writes sit beside them.
const trainings = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name.startsWith(`protocols-${source}-`)).map((entry) => entry.name).sort();
for (const training of trainings) {
  const folders = readdirSync(join(root, training)).filter((name) => existsSync(join(root, training, name, 'run.json')));
  const run = await readRun(join(root, training, folders.sort().at(-1) as string));
  if (run === null || run.record.status !== 'finished') {
    process.stderr.write(`${training}: not finished, skipped\n`);
    continue;
  }
  const plan = await readRunPlan(run);
  const model = await loadTrainedModel(run, plan);
  const { infer, release } = await createEngine('onnx').openInference(model, plan);
  const started = performance.now();
  const pipeline = new DataPipeline(await openDataset(plan), plan, { defaultCacheDir: join(root, '.vadc-cache') });
  const testScores = await scoreOnce(pipeline.testVideos('test'), plan, infer);
  const protocolScores = new Map<string, (variant: Plan) => VideoScores[]>();
  for (const protocol of masksOnly ? [] : PROTOCOLS) {
    const validation = plan.validation as ValidationPlan;
    const variant: Plan = { ...plan, validation: { ...validation, generator: protocol.validation.generator ?? validation.generator, anomalies: { ...validation.anomalies, whole: protocol.validation.whole ?? 0, normal: protocol.validation.normal ?? 0 } } };
    const protocolPipeline = new DataPipeline(await openDataset(variant), variant, { defaultCacheDir: join(root, '.vadc-cache') });
    protocolScores.set(protocol.name, await scoreOnce(await protocolPipeline.heldOutVideos(), variant, infer));
    await protocolPipeline.close();
  }
  // Unsupervised: the mean frame score of the held-out video left normal by 'whole + normal' (lower taken as better, so negated).
  const cleanScores = (variant: Plan): VideoScores[] => (protocolScores.get('paste foreground, whole + normal')?.(variant) ?? []).filter((video) => video.truth?.labels.every((label) => label === 0));
  for (const scoring of SCORINGS) {
    const variant = scoringPlan(plan, scoring);
    const tests = evaluateRun(testScores(variant), { ...variant, eval: { ...variant.eval, metrics: ['micro_auc', 'macro_auc'] } });
    const validation: Record<string, number | null> = {};
    for (const protocol of masksOnly ? [] : PROTOCOLS) validation[protocol.name] = micro((protocolScores.get(protocol.name) as (variant: Plan) => VideoScores[])(variant), variant);
    for (const combination of COMBINATIONS) {
      const values = combination.of.map((name) => validation[name]);
      validation[combination.name] = values.every((value) => value != null) ? (values as number[]).reduce((sum, value) => sum + value, 0) / values.length : null;
    }
    const clean = cleanScores(variant);
    let sum = 0, count = 0;
    for (const video of clean) for (const value of frameScores(video)) { sum += value; count++; }
    validation['clean held-out score (negated)'] = count === 0 ? null : -sum / count;
    cells.push({ cell: `${training.replace(`protocols-${source}-`, '')} / ${scoring.name}`, training, scoring: scoring.name, test: { micro_auc: tests.micro_auc, macro_auc: tests.macro_auc }, validation });
  }
  process.stderr.write(`${training}: protocols scored in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  await release();

  if (withMasks) {
    const protocol = PROTOCOLS.find((entry) => entry.name === DEFAULT_PROTOCOL) ?? null;
    const masks: Record<string, { count: number; complementary: boolean; seed?: number }> = {
      '1 mask': { count: 1, complementary: false },
      '1 mask, another seed': { count: 1, complementary: false, seed: 1000 },
      '2 complementary': { count: 2, complementary: true },
      '2 complementary, another seed': { count: 2, complementary: true, seed: 1000 },
      '4 masks': { count: 4, complementary: false },
      '4 masks, another seed': { count: 4, complementary: false, seed: 1000 },
    };
    const chosen = protocol ?? PROTOCOLS[4] as Protocol;
    const results = new Map<string, NonNullable<CellResult['masks']>>(SCORINGS.map((scoring) => [scoring.name, {}]));
    for (const [name, spec] of Object.entries(masks)) {
      // One scoring pass per mask variant; the scorings re-weight its stored components.
      const masked: Plan = { ...plan, scoring: { ...plan.scoring, test_masks: { count: spec.count, complementary: spec.complementary } } };
      const engine = await createOnnxInference(model, masked, { seed: spec.seed });
      const start = performance.now();
      const validation = masked.validation as ValidationPlan;
      const protocolPlan: Plan = { ...masked, validation: { ...validation, generator: chosen.validation.generator ?? null, anomalies: { ...validation.anomalies, whole: chosen.validation.whole ?? 0, normal: chosen.validation.normal ?? 0 } } };
      const protocolPipeline = new DataPipeline(await openDataset(protocolPlan), protocolPlan, { defaultCacheDir: join(root, '.vadc-cache') });
      const validationScores = await scoreOnce(await protocolPipeline.heldOutVideos(), protocolPlan, engine.infer);
      const testScoresMasked = await scoreOnce(pipeline.testVideos('test'), masked, engine.infer);
      const seconds = (performance.now() - start) / 1000;
      for (const scoring of SCORINGS) {
        const variant = scoringPlan(masked, scoring);
        results.get(scoring.name)![name] = { validation: micro(validationScores(variant), variant), test: micro(testScoresMasked(variant), variant), seconds: seconds / SCORINGS.length };
      }
      await protocolPipeline.close();
      await engine.release();
    }
    for (const scoring of SCORINGS) {
      const cell = cells.find((entry) => entry.training === training && entry.scoring === scoring.name);
      if (cell) cell.masks = results.get(scoring.name);
    }
    process.stderr.write(`${training}: masks done\n`);
  }
  await pipeline.close();
  model.params.dispose();
}

const names = masksOnly ? [] : [...PROTOCOLS.map((protocol) => protocol.name), ...COMBINATIONS.map((combination) => combination.name), 'clean held-out score (negated)'];
const tests = cells.map((cell) => cell.test.micro_auc ?? 0);
const rows = names.map((name) => {
  const values = cells.map((cell) => cell.validation[name] ?? 0);
  return { name, rho: spearman(values, tests) };
});
const out = join(root, `protocols-${source}${masksOnly ? '-masks' : ''}.json`);
writeFileSync(out, `${JSON.stringify({ source, cells, spearman: Object.fromEntries(rows.map((row) => [row.name, row.rho])) }, null, 2)}\n`);
const fmt = (value: number | null | undefined) => (value == null ? 'n/a' : value.toFixed(3));
process.stdout.write(`source ${source}: ${cells.length} cells (${trainings.length} trainings x ${SCORINGS.length} scorings); Spearman rho of validation micro AUC against test micro AUC\n`);
for (const row of rows) process.stdout.write(`| ${row.name} | ${fmt(row.rho)} |\n`);
process.stdout.write(`\n| cell | test micro | ${names.join(' | ')} |\n`);
for (const cell of cells) process.stdout.write(`| ${cell.cell} | ${fmt(cell.test.micro_auc)} | ${names.map((name) => fmt(cell.validation[name])).join(' | ')} |\n`);
if (withMasks) {
  const masked = cells.filter((entry) => entry.masks);
  const variants = Object.keys(masked[0]?.masks ?? {});
  process.stdout.write(`\ntest-time masks (all scorings, protocol ${DEFAULT_PROTOCOL}), over ${masked.length} cells:\n| masks | Spearman val vs test | median |val - val at another seed| | median |test - test at another seed| | seconds (sum) |\n`);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
  for (const variant of variants.filter((name) => !name.endsWith('another seed'))) {
    const pick = (cell: CellResult, name: string, what: 'validation' | 'test') => cell.masks![name]?.[what] ?? 0;
    const rho = spearman(masked.map((cell) => pick(cell, variant, 'validation')), masked.map((cell) => pick(cell, variant, 'test')));
    const other = `${variant}, another seed`;
    const spread = (what: 'validation' | 'test') => variants.includes(other) ? median(masked.map((cell) => Math.abs(pick(cell, variant, what) - pick(cell, other, what)))).toFixed(3) : '-';
    const seconds = masked.reduce((sum, cell) => sum + (cell.masks![variant]?.seconds ?? 0), 0);
    process.stdout.write(`| ${variant} | ${rho.toFixed(3)} | ${spread('validation')} | ${spread('test')} | ${seconds.toFixed(0)} |\n`);
  }
  process.stdout.write('\nper cell:\n');
  for (const cell of cells.filter((entry) => entry.masks)) process.stdout.write(`| ${cell.cell} | ${Object.entries(cell.masks!).map(([name, value]) => `${name}: val ${fmt(value.validation)} test ${fmt(value.test)} ${value.seconds.toFixed(0)} s`).join(' | ')} |\n`);
}
process.stdout.write(`\nwritten: ${out}\n`);
