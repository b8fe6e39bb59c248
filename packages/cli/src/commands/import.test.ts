// `vadc import` as a user runs it, each command a fresh process of the built CLI: the official checkpoints of the
// committed parity fixtures (bench/pytorch/parity-fixtures.py) become a run folder that `vadc eval`, `export`,
// `calibrate` and `score` use; a checkpoint whose pickle names os.system is refused with exit 2 and nothing runs.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { encodeVideo, openDataset } from '@vadc/runtime';
import { osSystemPickle, torchFile } from '../../../runtime/src/import/test-torch-file.ts';
import { latestRunFile, runBuiltCli } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { tinyRecipe } from '../test-recipe.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../test/fixtures/aed-mae/small');
// The tiny recipe supplies data, scoring and heads (2, as the fixture's model); its model sizes are replaced.
const RECIPE = tinyRecipe({ name: 'official', dataSeed: 4, trainVideos: 1, frames: 12, metrics: ['micro_auc'] });

describe('vadc import', () => {
  let workspace = '';

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-import-'));
    await writeFile(join(workspace, 'official.yaml'), RECIPE);
  });

  it('refuses a checkpoint whose pickle calls os.system (exit 2), runs nothing and writes nothing', async () => {
    const marker = join(workspace, 'pwned');
    await writeFile(join(workspace, 'evil.pth'), torchFile(osSystemPickle(`touch ${marker}`)));
    const result = await runBuiltCli(['import', 'evil.pth', '--recipe', 'official.yaml'], workspace);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/evil\.pth.*os\.system.*refused, nothing was executed/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(workspace, 'runs'))).toBe(false);
  }, 60_000);

  it('imports teacher and student checkpoints into a run that eval, export, calibrate and score use in fresh processes', async () => {
    const imported = await runBuiltCli(['import', join(FIXTURES, 'checkpoint-best.pth'), '--student', join(FIXTURES, 'checkpoint-best-student.pth'),
      '--recipe', 'official.yaml', '--out', 'runs'], workspace);
    expect(imported.code, imported.stderr).toBe(0);
    const run = latestRunFile(workspace, 'official');
    expect(imported.stdout.trim()).toBe(join(workspace, 'runs', 'official', JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).id));
    expect(imported.stderr).toContain('from the checkpoint: model.patch: 8 -> 4');
    expect(imported.stderr).toContain('from the checkpoint: data.size: [32,48] -> [16,32]');
    const provenance = JSON.parse(await readFile(join(run, 'import.json'), 'utf8'));
    expect(provenance.teacher.epoch).toBe(41);
    expect(provenance.student.epoch).toBe(163);
    expect(await readFile(join(run, 'recipe.yaml'), 'utf8')).toMatch(/^# imported by vadc import from .*checkpoint-best\.pth \(epoch 41\) \+ .*checkpoint-best-student\.pth \(epoch 163\)/);

    const evaluated = await runBuiltCli(['eval', run, '--json'], workspace);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(existsSync(join(run, 'metrics.json'))).toBe(true);

    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as Plan;
    const video = (await openDataset(plan)).test[0]!;
    const frameBytes = video.resolution[0] * video.resolution[1] * 3;
    const rgb = new Uint8Array(video.frameCount * frameBytes);
    for (let frame = 0; frame < video.frameCount; frame++) rgb.set(await video.readFrame(frame), frame * frameBytes);
    await encodeVideo(join(workspace, 'clip.mkv'), rgb, video.frameCount, video.resolution, 'png');

    const calibrated = await runBuiltCli(['calibrate', run, '--normal', 'clip.mkv', '--percentile', '90'], workspace);
    expect(calibrated.code, calibrated.stderr).toBe(0);
    const scored = await runBuiltCli(['score', run, 'clip.mkv', '--out', 'scored', '--engine', 'tfjs'], workspace);
    expect(scored.code, scored.stderr).toBe(0);
    const exported = await runBuiltCli(['export', run], workspace);
    expect(exported.code, exported.stderr).toBe(0);
    expect(existsSync(join(run, 'package', 'model.onnx'))).toBe(true);
    if (onnxInstalled) {
      const fromPackage = await runBuiltCli(['score', join(run, 'package'), 'clip.mkv', '--out', 'scored-package'], workspace);
      expect(fromPackage.code, fromPackage.stderr).toBe(0);
    }
  }, 300_000);
});
