import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { anomalousSamples, benchTrainingBatch } from '../../../runtime/src/bench/bench-inputs.ts';
import { spread } from '../../../runtime/src/bench/timing.ts';
import { onnxInstalled } from '../test-onnx.ts';

// A tiny synthetic recipe: 16x32 frames, patch 8, one encoder and two decoder blocks, so a train + infer bench takes a second or two.
const tinyRecipe = `vadc: 1
name: bench-tiny
data:
  dataset: synthetic
  size: [16, 32]
  synthetic: { seed: 1, train_videos: 1, test_videos: 1, frames: 12, resolution: [24, 48], walkers: [1, 2], anomalies: [running] }
model:
  patch: 8
  encoder: { dim: 16, depth: 1, heads: 2 }
  decoder: { dim: 16, depth: 2, heads: 2 }
stages:
  - name: teacher
    epochs: 1
    batch: 4
    optimizer: { adamw: { lr: 1.0e-3 } }
  - { name: student, epochs: 1, batch: 4, optimizer: { adamw: { lr: 1.0e-3 } }, freeze: [encoder, decoder, anomaly_head] }
scoring: { batch: 4 }
runtime: { backend: cpu, seed: 1, threads: 1, engine: tfjs }
`;

async function project(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vadc-bench-'));
  await mkdir(join(root, '.git'));
  await writeFile(join(root, 'tiny.yaml'), tinyRecipe);
  return root;
}

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd, env: {} } };
}


interface Spread { median: number; min: number; max: number }
interface ModeJson { batch: number; frames_per_second: Spread; frames_per_cpu_second: Spread; repeats_frames_per_second: number[] }

describe('vadc bench', () => {
  it('--json prints one object with both modes, ordered spreads, memory and the time split', async () => {
    const root = await project();
    const { out, io } = capture(root);
    const status = await runCli(['bench', 'tiny.yaml', '--backend', 'cpu', '--batch', '2', '--warmup', '1', '--repeats', '3', '--steps', '1', '--json'], io);
    expect(status).toBe(0);
    const result = JSON.parse(out.join('')) as Record<string, unknown> & { train: ModeJson; infer: ModeJson; split: Record<string, unknown>; memory: Record<string, unknown> };
    expect(result).toMatchObject({ name: 'bench-tiny', recipe: 'tiny.yaml', backend_name: 'cpu', engine: 'tfjs', size: [16, 32], repeats: 3, steps: 1 });
    for (const mode of [result.train, result.infer]) {
      expect(mode.batch).toBe(2);
      expect(mode.repeats_frames_per_second).toHaveLength(3);
      const { median, min, max } = mode.frames_per_second;
      expect(min).toBeGreaterThan(0);
      expect(min).toBeLessThanOrEqual(median);
      expect(median).toBeLessThanOrEqual(max);
      expect(Math.min(...mode.repeats_frames_per_second)).toBe(min);
      expect(mode.frames_per_cpu_second.min).toBeGreaterThan(0);
    }
    expect(result.memory.peak_rss_bytes).toEqual(expect.any(Number));
    expect(result.memory.wasm_heap_bytes).toBeNull(); // cpu backend: no wasm heap
    // Synthetic data: the pipeline is measured, so every part of the split has a number.
    for (const part of ['data_decode_ms', 'motion_ms', 'model_ms', 'scoring_ms']) expect(result.split[part]).toEqual(expect.any(Number));
    expect(result.split.model_ms).toBeCloseTo(1000 / result.infer.frames_per_second.median, 6);
  }, 60_000);

  it('--mode train measures training only; the text report names what it measured', async () => {
    const root = await project();
    const { out, io } = capture(root);
    expect(await runCli(['bench', 'tiny.yaml', '--mode', 'train', '--batch', '2', '--repeats', '1', '--steps', '1', '--warmup', '0'], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^train {2}batch 2: [\d.]+ frames\/s median \(min [\d.]+, max [\d.]+\) over 1 repeat x 1 step/m);
    expect(text).not.toMatch(/^infer/m);
    expect(text).toMatch(/scoring n\/a/);
  }, 60_000);

  it.skipIf(!onnxInstalled)('--engine onnx times onnxruntime inference and training steps (when onnxruntime-node is installed)', async () => {
    const root = await project();
    for (const mode of ['infer', 'train'] as const) {
      const { out, io } = capture(root);
      expect(await runCli(['bench', 'tiny.yaml', '--mode', mode, '--engine', 'onnx', '--batch', '2', '--repeats', '2', '--steps', '1', '--json'], io)).toBe(0);
      const result = JSON.parse(out.join('')) as { engine: string; train_engine: string | null; train: ModeJson | null; infer: ModeJson | null };
      expect(result.engine).toBe('onnx');
      expect(result.train_engine).toBe(mode === 'train' ? 'onnx' : null);
      expect(result[mode === 'train' ? 'infer' : 'train']).toBeNull();
      expect(result[mode]?.frames_per_second.min).toBeGreaterThan(0);
    }
  }, 60_000);

  it.runIf(onnxInstalled)('without --engine it measures what vadc run would use: runtime.engine auto resolved here (onnxruntime when installed)', async () => {
    const root = await project();
    await writeFile(join(root, 'auto.yaml'), tinyRecipe.replace(', engine: tfjs }', ' }'));
    const { out, err, io } = capture(root);
    expect(await runCli(['bench', 'auto.yaml', '--batch', '2', '--repeats', '1', '--steps', '1', '--warmup', '0', '--json'], io)).toBe(0);
    expect(err.join('')).toMatch(/^engine: onnx \(auto: the fastest installed CPU engine/m);
    const result = JSON.parse(out.join('')) as { engine: string; train_engine: string; engine_choice: { requested: string; engine: string } };
    expect(result).toMatchObject({ engine: 'onnx', train_engine: 'onnx', engine_choice: { requested: 'auto', engine: 'onnx' } });
  }, 60_000);

  it('runs a dataset recipe on generated inputs without the dataset: recipes/avenue.yaml with VADC_AVENUE_ROOT unset (built CLI)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'vadc-bench-avenue-'));
    const recipe = resolve(import.meta.dirname, '../../../../recipes/avenue.yaml');
    const cli = resolve(import.meta.dirname, '../../dist/main.js');
    const small = ['--set', 'data.size=[32, 64]', '--set', 'model.encoder.dim=32', '--set', 'model.decoder.dim=32'];
    const env = { PATH: process.env.PATH ?? '' }; // no VADC_AVENUE_ROOT
    const args = [cli, 'bench', recipe, ...small, '--mode', 'infer', '--engine', 'tfjs', '--batch', '1', '--repeats', '1', '--steps', '1', '--warmup', '0', '--json'];
    const result = spawnSync(process.execPath, args, { cwd: folder, encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/avenue\.yaml:15:\d+ {2}data\.root {2}warning: the environment variable VADC_AVENUE_ROOT is not set/);
    const measured = JSON.parse(result.stdout) as { name: string; size: number[]; infer: ModeJson; split: { data_note: string } };
    expect(measured).toMatchObject({ name: 'avenue', size: [32, 64] });
    expect(measured.infer.frames_per_second.median).toBeGreaterThan(0);
    expect(measured.split.data_note).toContain('not a synthetic dataset');
    // --data reads the dataset, so there the unset variable stays an error.
    const withData = spawnSync(process.execPath, [...args, '--data'], { cwd: folder, encoding: 'utf8', env });
    expect(withData.status).toBe(1);
    expect(withData.stderr).toMatch(/data\.root {2}the environment variable VADC_AVENUE_ROOT is not set/);
  }, 60_000);

  it('usage errors exit 2: bad --mode, bad --repeats, bad --batch, unknown engine, no recipe', async () => {
    const root = await project();
    for (const args of [['--mode', 'fast'], ['--repeats', '0'], ['--batch', 'x'], ['--engine', 'torch']]) {
      const { err, io } = capture(root);
      expect(await runCli(['bench', 'tiny.yaml', ...args], io)).toBe(2);
      expect(err.join('')).toMatch(new RegExp(`--${args[0]!.slice(2)}|onnx`));
    }
    const { err, io } = capture(root);
    expect(await runCli(['bench', 'missing.yaml'], io)).toBe(2);
    expect(err.join('')).toContain('recipe not found');
  });
});

describe('bench inputs', () => {
  it('values stay in the contract ranges and the anomaly share is honoured', async () => {
    const root = await project();
    const { resolveRecipe } = await import('@vadc/dsl');
    const { diskReader } = await import('../../../runtime/src/experiment/recipe-reader.ts');
    const resolved = await resolveRecipe(join(root, 'tiny.yaml'), { reader: diskReader, overrides: [], allowEnv: [], roots: [], env: {}, cwd: root });
    if (!resolved.ok) throw new Error('tiny recipe invalid');
    const batch = benchTrainingBatch(resolved.plan, 5, 1, 0.25);
    expect(batch.input).toHaveLength(5 * 16 * 32 * 9);
    expect(Math.min(...batch.input)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...batch.input)).toBeLessThanOrEqual(1);
    expect(Math.max(...batch.motion)).toBeLessThanOrEqual(255);
    expect(Array.from(batch.hasAnomaly)).toEqual([1, 0, 0, 0, 0]); // round(0.25 * 5) = 1
    expect(batch.anomalyMask.subarray(0, 512).reduce((a, b) => a + b, 0)).toBe(4 * 8); // a (16/4) x (32/4) box
    expect(batch.anomalyMask.subarray(512).every((v) => v === 0)).toBe(true);
  });

  it('anomalousSamples and spread: hand-computed cases', () => {
    expect([anomalousSamples(8, 0), anomalousSamples(8, 0.25), anomalousSamples(3, 0.1), anomalousSamples(4, 2)]).toEqual([0, 2, 1, 4]);
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => spread([])).toThrow();
  });
});
