import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRecipe } from '@vadc/dsl';
import { createEngine } from '../engines/create-engine.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { describe, expect, it } from 'vitest';
import { diskReader } from './recipe-reader.ts';
import { describeWork, estimateTrainingTime, formatDuration, trainingWork } from './training-estimate.ts';

const recipes = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'recipes');
const env = { VADC_AVENUE_ROOT: '/data/avenue', VADC_SHANGHAITECH_ROOT: '/data/st', VADC_PED2_ROOT: '/data/ped2', VADC_UBNORMAL_ROOT: '/data/ub' };

async function plan(file: string, overrides: string[] = []) {
  const resolved = await resolveRecipe(join(recipes, file), { reader: diskReader, env, overrides });
  if (!resolved.ok) throw new Error(resolved.errors.map((error) => error.message).join('\n'));
  return resolved.plan;
}

describe('what a recipe costs', () => {
  it('counts the training work per stage', async () => {
    const work = trainingWork(await plan('quickstart.yaml'));
    expect(work.framesPerEpoch).toBe(448);
    expect(work.totalFrames).toBe(8 * 448);
    // The quickstart holds two training videos out for validation: which one is drawn from the data, so the line
    // gives an upper bound and says why.
    expect(describeWork(work)).toBe('training: teacher 6 epochs + student 2 epochs over at most 448 frames per epoch (7 generated videos x 64 frames, less the 2 held-out validation videos) = at most 3,584 frames through the model');
    expect(describeWork(trainingWork(await plan('quickstart.yaml', ['~validation'])))).toBe('training: teacher 6 epochs + student 2 epochs over 448 frames per epoch (7 generated videos x 64 frames) = 3,584 frames through the model');
    expect(trainingWork(await plan('avenue.yaml')).totalFrames).toBe(200 * 15328);
  });

  it('every shipped recipe of more than a million training frames says at its top that it is paper-sized', async () => {
    for (const file of (await readdir(recipes)).filter((name) => name.endsWith('.yaml'))) {
      const work = trainingWork(await plan(file));
      const top = (await readFile(join(recipes, file), 'utf8')).split('\nvadc:')[0]!;
      if ((work.totalFrames ?? 0) > 1_000_000) expect(top, file).toContain('PAPER-SIZED');
    }
    // The CPU variant beside Avenue: a few tens of thousands of frames, which the recipe's timing puts at about an hour.
    expect(trainingWork(await plan('avenue-cpu.yaml')).totalFrames).toBe(4 * 15328);
  });

  it('times a training step on this machine and turns the work into a duration', async () => {
    await selectBackend('wasm', { threads: 1 });
    const estimate = await estimateTrainingTime(await plan('quickstart.yaml', ['data.size=[32,48]', 'model.encoder.dim=16', 'model.decoder.dim=16', 'runtime.backend=wasm', 'runtime.threads=1']), createEngine('tfjs'));
    expect(estimate.batch).toBe(16);
    expect(estimate.framesPerSecond).toBeGreaterThan(0);
    expect(estimate.seconds).toBeCloseTo(3584 / estimate.framesPerSecond, 6);
    expect(formatDuration(48)).toBe('48 s');
    expect(formatDuration(3 * 3600 + 12 * 60)).toBe('3 h 12 min');
    expect(formatDuration(40 * 86400)).toBe('40.0 days');
  }, 60_000);
});
