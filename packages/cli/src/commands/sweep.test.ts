// `vadc sweep` on a tiny generated benchmark: a sweep over scoring weights trains ONE model and evaluates every
// combination from its stored components, each with the metrics a direct evaluation with those weights gives; a
// second sweep re-uses that model; a sweep over a training key trains one model per value.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { assignWeights, createModel, DataPipeline, loadCheckpoint, openDataset } from '@vadc/runtime';
import { runCli } from '../cli.ts';
import { formatMetric } from '../../../runtime/src/report/format.ts';
import { evaluateRun } from '../../../runtime/src/score/evaluate.ts';
import { scoreTestVideos } from '../../../runtime/src/experiment/score-evaluate.ts';
import { listRuns } from '../../../runtime/src/run-folder/run-folder.ts';
import type { SweepSummary } from '../../../runtime/src/sweep/sweep-run.ts';
import { tinyRecipe } from '../test-recipe.ts';

const BASE = tinyRecipe({ name: 'NAME', trainVideos: 1, frames: 16, walkers: [1, 2], metrics: ['micro_auc', 'macro_auc', 'rbdc', 'tbdc'] });
// With a held-out video, the sweep ranks its combinations by validation.
const VALIDATED = tinyRecipe({ name: 'NAME', trainVideos: 2, frames: 16, walkers: [1, 2], metrics: ['micro_auc', 'macro_auc', 'rbdc', 'tbdc'], validation: '{ hold_out: 1 }' });

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTerminal: false, cwd, env: {} } };
}

async function sweep(workspace: string, recipe: string, extra: string[] = []) {
  const { io, out, err } = capture(workspace);
  const status = await runCli(['sweep', recipe, '--out', 'runs', '--json', ...extra], io);
  expect(status, err.join('')).toBe(0);
  return { summary: JSON.parse(out.join('')) as SweepSummary, err: err.join('') };
}

describe('vadc sweep over scoring weights', () => {
  let workspace = '';
  let summary: SweepSummary;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-sweep-'));
    const grid = 'sweep:\n  grid:\n    scoring.weights.teacher: [0, 1]\n    scoring.weights.anomaly_map: [0, 2]\n';
    await writeFile(join(workspace, 'weights.yaml'), `${VALIDATED.replace('NAME', 'weights')}${grid}`);
    summary = (await sweep(workspace, 'weights.yaml')).summary;
  }, 300_000);

  it('trains one model for four combinations', async () => {
    expect(summary.runs.map((entry) => entry.values)).toEqual([
      { 'scoring.weights.teacher': 0, 'scoring.weights.anomaly_map': 0 }, { 'scoring.weights.teacher': 0, 'scoring.weights.anomaly_map': 2 },
      { 'scoring.weights.teacher': 1, 'scoring.weights.anomaly_map': 0 }, { 'scoring.weights.teacher': 1, 'scoring.weights.anomaly_map': 2 },
    ]);
    expect(summary.scoring_only_keys).toHaveLength(2);
    expect(summary.trainings).toHaveLength(1);
    expect(summary.trainings[0]!.source).toBe('trained');
    expect(summary.trainings[0]!.run).toBe(`${summary.id}-t0`);
    const runs = await listRuns(join(workspace, 'runs'), 'weights');
    expect(runs).toHaveLength(1);
    expect(new Set(summary.runs.map((entry) => entry.run))).toEqual(new Set([`${summary.id}-t0`]));
    expect(existsSync(join(runs[0]!.directory, 'train.jsonl'))).toBe(true);
    expect(existsSync(join(runs[0]!.directory, 'components.bin'))).toBe(true);
    expect(existsSync(join(runs[0]!.directory, 'validation-components.bin'))).toBe(true);
    const sweepFolder = join(workspace, 'runs', 'weights', `sweep-${summary.id}`);
    expect(JSON.parse(await readFile(join(sweepFolder, 'sweep.json'), 'utf8'))).toEqual(summary);
    const html = await readFile(join(sweepFolder, 'report.html'), 'utf8');
    expect(html).toContain('data-plot="sweep-scoring.weights.teacher"');
    expect(html).toContain('data-plot="sweep-scoring.weights.anomaly_map"');
    for (const entry of summary.runs) {
      expect(html).toContain(`data-combination="${entry.index}" data-sweep-metric="micro_auc">${formatMetric(entry.metrics.micro_auc)}</td>`);
    }
    // Ranked by validation (every combination has a value), and the headline metrics are rank 1's test metrics.
    expect(summary.ranking.by).toBe('validation.micro_auc');
    expect(summary.runs.map((entry) => entry.rank).sort()).toEqual([1, 2, 3, 4]);
    const ranked = [...summary.runs].sort((a, b) => a.rank! - b.rank!);
    for (let index = 1; index < ranked.length; index++) expect(ranked[index]!.validation!.micro_auc!).toBeLessThanOrEqual(ranked[index - 1]!.validation!.micro_auc!);
    expect(html).toContain(`data-metric="micro_auc">${formatMetric(ranked[0]!.metrics.micro_auc)}<`);
  });

  it('gives each combination the metrics of a direct evaluation with its weights', async () => {
    const [run] = await listRuns(join(workspace, 'runs'), 'weights');
    const plan = JSON.parse(await readFile(join(run!.directory, 'plan.json'), 'utf8')) as Plan;
    // The training run scored the first combination itself: its metrics.json agrees with the sweep.
    const trained = JSON.parse(await readFile(join(run!.directory, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(summary.runs[0]!.metrics.micro_auc).toBe(trained.micro_auc);
    const model = createModel(plan);
    assignWeights(model, (await loadCheckpoint(join(run!.directory, 'checkpoints', 'model.ckpt'))).weights);
    const pipeline = new DataPipeline(await openDataset(plan), plan);
    const silent = capture(workspace).io;
    const distinct = new Set<number | null>();
    for (const entry of summary.runs) {
      const weights = { ...plan.scoring.weights, teacher: Number(entry.values['scoring.weights.teacher']), anomaly_map: Number(entry.values['scoring.weights.anomaly_map']) };
      const weighted: Plan = { ...plan, scoring: { ...plan.scoring, weights } };
      const direct = evaluateRun(await scoreTestVideos(weighted, model, pipeline, silent), weighted);
      expect(entry.metrics.micro_auc, JSON.stringify(entry.values)).toBe(direct.micro_auc);
      expect(entry.metrics.macro_auc).toBe(direct.macro_auc);
      expect(entry.metrics.rbdc).toBe(direct.rbdc);
      expect(entry.metrics.tbdc).toBe(direct.tbdc);
      distinct.add(entry.metrics.micro_auc);
    }
    expect(distinct.size).toBeGreaterThan(1); // the weights do change the result
  }, 120_000);

  it('re-uses the trained model when the sweep runs again, and prints a table', async () => {
    const { io, out, err } = capture(workspace);
    expect(await runCli(['sweep', 'weights.yaml', '--out', 'runs'], io)).toBe(0);
    expect(err.join('')).toMatch(/training t0: reused/);
    expect(out.join('')).not.toMatch(/training t0/);
    expect(await listRuns(join(workspace, 'runs'), 'weights')).toHaveLength(1);
    const table = out.join('').split('\n').filter((line) => /^\d+ /.test(line));
    expect(table).toHaveLength(4);
    // rank, #, teacher, anomaly_map, model, validation micro_auc, test metrics; in rank order.
    expect(table.map((line) => Number(line.split(/\s+/)[0]))).toEqual([1, 2, 3, 4]);
    expect(table.find((line) => /^\d\s+3\s/.test(line))).toMatch(/^\d\s+3\s+1\s+2\s+t0\s+\d\.\d{4}\s+\d\.\d{4}/);
  }, 120_000);
});

describe('vadc sweep over scoring.errors', () => {
  it('scores the test split once more for error kinds the stored components lack, with the same model', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-sweep-'));
    await writeFile(join(workspace, 'errors.yaml'), `${BASE.replace('NAME', 'errors')}sweep: { grid: { scoring.errors.teacher: [l2, l1] } }\n`);
    const { summary, err } = await sweep(workspace, 'errors.yaml');
    expect(err).toMatch(/teacher=l1 discrepancy=l2 differ from the stored components/);
    expect(summary.trainings).toHaveLength(1);
    const [run] = await listRuns(join(workspace, 'runs'), 'errors');
    expect(existsSync(join(run!.directory, 'components-l1-l2.bin'))).toBe(true);
    const plan = JSON.parse(await readFile(join(run!.directory, 'plan.json'), 'utf8')) as Plan;
    const l1: Plan = { ...plan, scoring: { ...plan.scoring, errors: { ...plan.scoring.errors, teacher: 'l1' } } };
    const model = createModel(plan);
    assignWeights(model, (await loadCheckpoint(join(run!.directory, 'checkpoints', 'model.ckpt'))).weights);
    const direct = evaluateRun(await scoreTestVideos(l1, model, new DataPipeline(await openDataset(l1), l1), capture(workspace).io), l1);
    expect(summary.runs[1]!.metrics.micro_auc).toBe(direct.micro_auc);
    expect(summary.runs[1]!.metrics.rbdc).toBe(direct.rbdc);
  }, 300_000);
});

describe('vadc sweep over a training key', () => {
  it('trains one model per value', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-sweep-'));
    await writeFile(join(workspace, 'depth.yaml'), `${BASE.replace('NAME', 'depth')}sweep: { grid: { model.decoder.depth: [2, 3] } }\n`);
    const { summary } = await sweep(workspace, 'depth.yaml');
    expect(summary.training_keys).toEqual(['model.decoder.depth']);
    expect(summary.trainings.map((training) => training.run)).toEqual([`${summary.id}-t0`, `${summary.id}-t1`]);
    expect(new Set(summary.trainings.map((training) => training.training_hash)).size).toBe(2);
    const runs = await listRuns(join(workspace, 'runs'), 'depth');
    expect(runs).toHaveLength(2);
    for (const [index, run] of runs.entries()) {
      const plan = JSON.parse(await readFile(join(run.directory, 'plan.json'), 'utf8')) as Plan;
      expect(plan.model.decoder.depth).toBe(index + 2);
      const metrics = JSON.parse(await readFile(join(run.directory, 'metrics.json'), 'utf8')) as Record<string, number>;
      expect(summary.runs[index]!.metrics.micro_auc).toBe(metrics.micro_auc);
    }
  }, 300_000);
});
