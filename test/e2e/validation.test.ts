// Validation without test labels, as a user runs it: the BUILT CLI (`node packages/cli/dist/main.js run`) in a fresh
// folder trains a tiny recipe with `validation: { selection: best }`. The validation curve is in train.jsonl,
// metrics.json and report.html; run.json names the best epoch; and the test split was scored with that epoch's
// weights (checkpoints/best.ckpt), which reproduce the validation value run.json states.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { assignWeights, createModel, DataPipeline, inferBatch, loadCheckpoint, openDataset, scoreVideo, selectBackend, type TestMaskPass } from '@vadc/runtime';
import { tinyRecipe } from '../../packages/cli/src/test-recipe.ts';
import { evaluateRun } from '../../packages/runtime/src/score/evaluate.ts';
import { evaluateValidation, scoreValidationVideos } from '../../packages/runtime/src/experiment/validation.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const RECIPE = tinyRecipe({ name: 'validated', trainVideos: 3, teacherEpochs: 4, validation: '{ hold_out: 1, selection: best, seed: 5 }' });

interface ValidationLine { type: 'validation'; stage: string; epoch: number; micro_auc: number | null; value: number | null }
interface Selection { mode: string; metric: string; stage: string; epoch: number; value: number; checkpoint: string }

describe('vadc run with validation (built CLI)', () => {
  let directory = '';
  let stdout = '';

  beforeAll(async () => {
    expect(existsSync(CLI), 'build the CLI first (npm run build)').toBe(true);
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-validation-'));
    await writeFile(join(workspace, 'validated.yaml'), RECIPE);
    const result = await promisify(execFile)(process.execPath, [CLI, 'run', 'validated.yaml', '--out', 'runs'], { cwd: workspace });
    stdout = result.stdout;
    directory = join(workspace, 'runs', 'validated', await readlink(join(workspace, 'runs', 'validated', 'latest')));
  }, 300_000);

  it('logs a validation line per epoch and names the best one in run.json, metrics.json and the report', async () => {
    expect(stdout).toMatch(/validation: 1 held-out training video/);
    const lines = (await readFile(join(directory, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const validation = lines.filter((line) => line.type === 'validation') as unknown as ValidationLine[];
    expect(validation.map((line) => `${line.stage} ${line.epoch}`)).toEqual(['teacher 0', 'teacher 1', 'teacher 2', 'teacher 3', 'student 0']);
    // Step lines are unchanged: 2 training videos x 24 frames, batch 8 = 6 steps per epoch, 5 epochs.
    expect(lines.filter((line) => line.type === undefined && typeof line.step === 'number')).toHaveLength(30);

    const record = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as { selection: Selection };
    const values = validation.map((line) => line.value ?? -1);
    const best = validation[values.indexOf(Math.max(...values))]!;
    expect(record.selection).toMatchObject({ mode: 'best', metric: 'micro_auc', stage: best.stage, epoch: best.epoch, value: best.value, checkpoint: join('checkpoints', 'best.ckpt') });
    expect(stdout).toContain(`selection best: ${best.stage} epoch ${best.epoch + 1}`);

    const metrics = JSON.parse(await readFile(join(directory, 'metrics.json'), 'utf8')) as { validation: { curve: unknown[]; selected: Selection; held_out: string[] } };
    expect(metrics.validation.curve).toHaveLength(5);
    expect(metrics.validation.selected).toEqual(record.selection);
    expect(metrics.validation.held_out).toHaveLength(1);
    const html = await readFile(join(directory, 'report.html'), 'utf8');
    expect(html).toContain('data-plot="validation-curve"');
    expect(html).toContain(`data-validation="micro_auc" data-epoch=`);
  });

  it('scores the test split with the epoch it names: best.ckpt reproduces its validation value and the test metrics', async () => {
    await selectBackend('wasm', { threads: 1 });
    const plan = JSON.parse(await readFile(join(directory, 'plan.json'), 'utf8')) as Plan;
    const record = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as { selection: Selection };
    const model = createModel(plan);
    assignWeights(model, (await loadCheckpoint(join(directory, 'checkpoints', 'best.ckpt'))).weights);
    const pipeline = new DataPipeline(await openDataset(plan), plan);
    const infer = async (batch: Parameters<typeof inferBatch>[1], pass: TestMaskPass) => inferBatch(model, batch, { pass });
    const validation = evaluateValidation(await scoreValidationVideos(await pipeline.heldOutVideos(), plan, infer), plan);
    expect(validation.micro_auc).toBeCloseTo(record.selection.value, 6);
    // In this seeded recipe the best epoch is not the last, so the restore is visible: the last epoch's weights
    // (model.ckpt) validate differently.
    expect(`${record.selection.stage} ${record.selection.epoch}`).not.toBe('student 0');
    const last = createModel(plan);
    assignWeights(last, (await loadCheckpoint(join(directory, 'checkpoints', 'model.ckpt'))).weights);
    const lastInfer = async (batch: Parameters<typeof inferBatch>[1], pass: TestMaskPass) => inferBatch(last, batch, { pass });
    expect(evaluateValidation(await scoreValidationVideos(await pipeline.heldOutVideos(), plan, lastInfer), plan).micro_auc).not.toBeCloseTo(record.selection.value, 3);
    const test = [];
    for (const video of pipeline.testVideos('test')) test.push(await scoreVideo(video, plan, infer));
    const metrics = JSON.parse(await readFile(join(directory, 'metrics.json'), 'utf8')) as { micro_auc: number; macro_auc: number };
    const direct = evaluateRun(test, plan);
    expect(direct.micro_auc).toBeCloseTo(metrics.micro_auc, 6);
    expect(direct.macro_auc).toBeCloseTo(metrics.macro_auc, 6);
  }, 120_000);
});
