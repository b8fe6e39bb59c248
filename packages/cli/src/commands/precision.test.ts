// runtime.precision as a user meets it, each command a fresh process of the built CLI: `vadc export --precision
// int8` writes an int8 package that says so and scores a clip close to the fp32 package; `vadc bench --precision`
// measures the int8 graph and refuses it on TF.js.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { countOps, encodeVideo, openDataset } from '@vadc/runtime';
import { runBuiltCli } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { tinyRecipe, trainInWorkspace } from '../test-recipe.ts';

const RECIPE = tinyRecipe({ name: 'precise', dataSeed: 4, trainVideos: 2, frames: 14, walkers: [1, 2], scoring: '{ batch: 4 }', metrics: ['micro_auc'] });

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe.runIf(onnxInstalled)('runtime.precision from the built CLI', () => {
  let workspace = '';
  let run = '';

  beforeAll(async () => {
    ({ workspace, run } = await trainInWorkspace('precision', 'precise', RECIPE));
    const video = (await openDataset(await readJson<Plan>(join(run, 'plan.json')))).test[0]!;
    const frameBytes = video.resolution[0] * video.resolution[1] * 3;
    const rgb = new Uint8Array(video.frameCount * frameBytes);
    for (let frame = 0; frame < video.frameCount; frame++) rgb.set(await video.readFrame(frame), frame * frameBytes);
    await encodeVideo(join(workspace, 'clip.mkv'), rgb, video.frameCount, video.resolution, 'png');
  }, 300_000);

  it('export --precision int8 writes an integer graph, records it, and scores close to the fp32 package', async () => {
    const packages = { fp32: join(workspace, 'fp32'), int8: join(workspace, 'int8') };
    for (const [precision, out] of Object.entries(packages)) {
      const exported = await runBuiltCli(['export', run, '--precision', precision, '--out', out, '--json'], workspace);
      expect(exported.code, exported.stderr).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({ precision });
      const manifest = await readJson<{ precision: string; plan: Plan }>(join(out, 'vadc-model.json'));
      expect(manifest.precision).toBe(precision);
      expect(manifest.plan.runtime.precision).toBe(precision);
      const ops = countOps(await readFile(join(out, 'model.onnx')));
      expect(ops.get('MatMulInteger') ?? 0, precision).toBe(precision === 'int8' ? ops.get('DynamicQuantizeLinear') : 0);
      if (precision === 'int8') expect(ops.get('MatMulInteger')).toBeGreaterThan(5);
      const scored = await runBuiltCli(['score', out, 'clip.mkv', '--out', `scored-${precision}`], workspace);
      expect(scored.code, scored.stderr).toBe(0);
    }
    const scores = async (precision: string) => (await readFile(join(workspace, `scored-${precision}`, 'scores.csv'), 'utf8')).trim().split('\n').slice(1).map((row) => Number(row.split(',')[2])); // video,frame,score,...
    const [fp32, int8] = [await scores('fp32'), await scores('int8')];
    expect(int8).toHaveLength(14);
    const scale = Math.max(...fp32.map(Math.abs));
    const worst = Math.max(...fp32.map((value, frame) => Math.abs(value - (int8[frame] as number))));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.05 * scale);
    expect((await runBuiltCli(['export', run, '--precision', 'bf16'], workspace)).code).toBe(2);
  }, 120_000);

  it('bench --precision int8 measures the int8 scoring graph; on TF.js it is a usage error', async () => {
    const base = ['bench', 'precise.yaml', '--mode', 'infer', '--batch', '2', '--repeats', '1', '--warmup', '0', '--json'];
    const int8 = await runBuiltCli([...base, '--engine', 'onnx', '--precision', 'int8'], workspace);
    expect(int8.code, int8.stderr).toBe(0);
    const result = JSON.parse(int8.stdout) as { precision: string; engine: string; infer: { frames_per_second: { median: number } } };
    expect(result).toMatchObject({ precision: 'int8', engine: 'onnx' });
    expect(result.infer.frames_per_second.median).toBeGreaterThan(0);
    const refused = await runBuiltCli([...base, '--engine', 'tfjs', '--precision', 'int8'], workspace);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/int8 scores on the onnx engine only/);
    expect((await runBuiltCli([...base, '--precision', 'int4'], workspace)).code).toBe(2);
  }, 120_000);
});
