// `vadc run` end to end on a tiny generated benchmark: the run folder holds everything the issue lists, a second
// run of the same recipe is refused with the way out, a run killed mid-training finishes with --resume and gives
// the same metrics as the uninterrupted run, and the report shows exactly the numbers of metrics.json.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@vadc/cli';
import { formatMetric } from '@vadc/runtime';
import { onnxInstalled } from '../../packages/cli/src/test-onnx.ts';
import { tinyRecipe } from '../../packages/cli/src/test-recipe.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RECIPE = tinyRecipe({ name: 'tiny', teacherEpochs: 3 });

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTerminal: false, cwd, env: {} } };
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

type Metrics = Record<string, number | null> & { speed: Record<string, unknown> };

describe('vadc run', () => {
  let workspace = '';
  let runDirectory = '';

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-run-'));
    await writeFile(join(workspace, 'tiny.yaml'), RECIPE);
    const { io, out, err } = capture(workspace);
    const status = await runCli(['run', 'tiny.yaml', '--out', 'runs'], io);
    expect(status, err.join('')).toBe(0);
    // Results on stdout (the metrics and the report), progress and logs on stderr.
    expect(out.join('')).toMatch(/^micro_auc {8}\d\.\d{4}/m);
    expect(out.join('')).not.toMatch(/backend:|epoch|data:|^run /m);
    expect(err.join('')).toMatch(/^backend: /m);
    expect(err.join('')).not.toMatch(/error|warning/i);
    runDirectory = join(workspace, 'runs', 'tiny', await readlink(join(workspace, 'runs', 'tiny', 'latest')));
  }, 300_000);

  it('leaves a complete run folder', async () => {
    const record = await readJson<{ status: string; hash: string; backend: string; seed: number; machine: { cores: number }; timings: Record<string, number> }>(join(runDirectory, 'run.json'));
    expect(record.status).toBe('finished');
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.backend).toMatch(/^wasm/);
    expect(record.seed).toBe(5);
    expect(Object.keys(record.timings)).toEqual(expect.arrayContaining(['train', 'score', 'evaluate', 'report']));
    const plan = await readJson<{ name: string; stages: unknown[] }>(join(runDirectory, 'plan.json'));
    expect(plan.stages).toHaveLength(2);
    expect(await readFile(join(runDirectory, 'recipe.yaml'), 'utf8')).toContain(record.hash);
    expect(existsSync(join(runDirectory, 'checkpoints', 'model.ckpt'))).toBe(true);

    // 2 videos x 24 frames = 48 samples: 6 steps per epoch; 3 teacher + 1 student epochs.
    const log = (await readFile(join(runDirectory, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { stage: string; loss: number });
    expect(log).toHaveLength(24);
    expect(log.filter((line) => line.stage === 'student')).toHaveLength(6);
    expect(log.every((line) => Number.isFinite(line.loss))).toBe(true);

    const csv = (await readFile(join(runDirectory, 'scores.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('video,frame,score,teacher,discrepancy,anomaly_map,label');
    expect(csv).toHaveLength(1 + 48);
    const metrics = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    for (const name of ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc']) {
      expect(metrics[name], name).toBeTypeOf('number');
    }
    expect(metrics.speed.infer_fps).toBeGreaterThan(0);
  });

  it.runIf(onnxInstalled)('re-scores a trained run with vadc eval to the same metrics, with TF.js and with the ONNX engine', async () => {
    const before = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    const onnx = capture(workspace);
    expect(await runCli(['eval', runDirectory, '--engine', 'onnx'], onnx.io)).toBe(0);
    const withOnnx = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    expect(withOnnx.speed.engine).toBe('onnx');
    // Same model, masks and inputs; float32 summation order differs, so AUCs agree to rounding of tied scores.
    for (const name of ['micro_auc', 'macro_auc', 'pixel_auc']) expect(withOnnx[name], name).toBeCloseTo(before[name] as number, 3);
    const { io, err } = capture(workspace);
    expect(await runCli(['eval', runDirectory], io)).toBe(0);
    expect(err.join('')).not.toMatch(/error|warning/i);
    const after = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    for (const name of ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc']) expect(after[name], name).toBe(before[name]);
  });

  it.runIf(onnxInstalled)('exports the trained model as a package whose portable ONNX graph onnxruntime loads', async () => {
    const { io } = capture(workspace);
    expect(await runCli(['export', runDirectory, '--format', 'tflite'], io)).toBe(2);
    expect(await runCli(['export', runDirectory, '--format', 'onnx', '--out', 'tiny-package', '--portable'], io)).toBe(0);
    const { loadOnnxRuntime } = await import('@vadc/runtime');
    const ort = await loadOnnxRuntime();
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile(join(workspace, 'tiny-package', 'model.onnx'))));
    expect([...session.inputNames].sort()).toEqual(['frames', 'keep_index', 'restore_index']);
    expect(session.outputNames).toEqual(expect.arrayContaining(['teacher', 'student']));
  });

  it.runIf(onnxInstalled)('trains on onnxruntime with the old key runtime.train_engine onnx (a warning names runtime.engine): its own hash, the engine in metrics.json', async () => {
    const { io, out, err } = capture(workspace);
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs-onnx', '--set', 'runtime.train_engine=onnx'], io)).toBe(0);
    expect(out.join('')).not.toContain('engine:');
    expect(err.join('')).toContain('engine: onnx (the recipe sets runtime.engine: onnx)');
    expect(err.join('')).toMatch(/runtime\.train_engine +warning: `runtime\.train_engine` is now `runtime\.engine`/);
    const directory = join(workspace, 'runs-onnx', 'tiny', await readlink(join(workspace, 'runs-onnx', 'tiny', 'latest')));
    const record = await readJson<{ hash: string }>(join(directory, 'run.json'));
    const reference = await readJson<{ hash: string }>(join(runDirectory, 'run.json'));
    expect(record.hash).not.toBe(reference.hash);
    const metrics = await readJson<Metrics>(join(directory, 'metrics.json'));
    expect(metrics.speed.train_engine).toBe('onnx');
    expect(metrics.micro_auc).toBeTypeOf('number');
    const log = (await readFile(join(directory, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { loss: number });
    expect(log).toHaveLength(24);
    expect(log.every((line) => Number.isFinite(line.loss))).toBe(true);
  }, 120_000);

  it('refuses to overwrite a finished run and says how to go on', async () => {
    const { io, err } = capture(workspace);
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs'], io)).toBe(1);
    expect(err.join('')).toMatch(/already ran to the end.*\n.*--resume.*--new/);
  });

  it('shows exactly the numbers of metrics.json in report.html, rendered in Chromium', async () => {
    const metrics = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(runDirectory, 'report.html')).href);
      const shown = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('[data-metric]')).map((cell) => [cell.dataset.metric ?? '', cell.textContent?.trim() ?? ''])));
      for (const name of ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc']) expect(shown[name], name).toBe(formatMetric(metrics[name]));
      const plots = await page.evaluate(() => Array.from(document.querySelectorAll<SVGSVGElement>('svg[data-plot]')).map((svg) => ({ id: svg.dataset.plot, width: svg.getBoundingClientRect().width, series: svg.querySelectorAll('path.series').length })));
      expect(plots.map((plot) => plot.id)).toEqual(expect.arrayContaining(['roc', 'rbdc', 'tbdc']));
      for (const plot of plots) expect(plot.width, plot.id).toBeGreaterThan(100);
      const images = await page.evaluate(() => Array.from(document.images).map((image) => image.naturalWidth));
      expect(images.length).toBeGreaterThan(0);
      expect(images.every((width) => width > 0)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('finishes a run killed mid-training with --resume, with the metrics of the uninterrupted run', async () => {
    const other = await mkdtemp(join(tmpdir(), 'vadc-resume-'));
    await writeFile(join(other, 'tiny.yaml'), RECIPE);
    // The CLI in a child process from source, killed with SIGKILL once the first epoch's checkpoint exists.
    const child = spawn(process.execPath, ['--conditions=source', '--import', join(ROOT, 'bench/register-ts.mjs'), join(ROOT, 'packages/cli/src/main.ts'), 'run', 'tiny.yaml', '--out', 'runs'], { cwd: other, stdio: 'ignore' });
    const checkpoint = async () => {
      try {
        return join(other, 'runs', 'tiny', await readlink(join(other, 'runs', 'tiny', 'latest')), 'checkpoints', 'model.ckpt');
      } catch {
        return null;
      }
    };
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    for (;;) {
      const path = await checkpoint();
      if (path !== null && existsSync(path)) break;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    child.kill('SIGKILL');
    await exited;
    const killed = await readJson<{ status: string }>(join(other, 'runs', 'tiny', 'latest', 'run.json'));
    expect(killed.status).toBe('training'); // SIGKILL leaves no chance to write; --resume accepts it

    const { io, err } = capture(other);
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs', '--resume'], io)).toBe(0);
    // Progress and the takeover of the killed process's lease (once it expired) go to stderr.
    expect(err.join('')).toMatch(/^vadc: took over \S+run\.lease \(the lease of .* process \d+ since \S+ expired\)$/m);
    expect(err.join('')).toMatch(/^resuming /m);
    const resumed = await readJson<Metrics>(join(other, 'runs', 'tiny', 'latest', 'metrics.json'));
    const straight = await readJson<Metrics>(join(runDirectory, 'metrics.json'));
    for (const name of ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc']) expect(resumed[name], name).toBe(straight[name]);
  }, 300_000);
});
