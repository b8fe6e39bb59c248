// Recipes that would hang or exhaust the machine are errors at their key, found quickly: a YAML alias bomb, a chain
// of `${...}` references that doubles a string per step, and sizes / frame counts that no machine can hold.
import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';
import { memoryEstimate } from './check-resources.ts';

const GIB = 1024 ** 3;

function aliasBomb(levels: number, width: number): string {
  const lines = ['vadc: 1', 'data: { dataset: synthetic }', `l0: &l0 [${Array(width).fill('x').join(', ')}]`];
  for (let level = 1; level < levels; level++) lines.push(`l${level}: &l${level} [${Array(width).fill(`*l${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('resource bounds of recipes', () => {
  it('stops a YAML alias bomb (9 levels of 9 aliases) at the expansion limit, in well under a second', async () => {
    const start = performance.now();
    const errors = errorsOf(await resolveIn({ 'recipes/a.yaml': aliasBomb(9, 9) }, 'recipes/a.yaml'));
    expect(performance.now() - start).toBeLessThan(3000);
    expect(errors.map((error) => error.code)).toContain('TOO_LARGE');
    expect(errors[0]!.file).toBe('/project/recipes/a.yaml');
  });

  it('stops a chain of ${...} references that doubles a string per step', async () => {
    const lines = ['vadc: 1', 'data: { dataset: synthetic }', 'name: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"'];
    // The chain lives under model.* keys that exist nowhere: an unknown-key error would come later, after expansion.
    for (let index = 0; index < 40; index++) lines.push(`x${index}: "\${${index === 0 ? 'name' : `x${index - 1}`}}\${${index === 0 ? 'name' : `x${index - 1}`}}"`);
    const start = performance.now();
    const errors = errorsOf(await resolveIn({ 'recipes/a.yaml': `${lines.join('\n')}\n` }, 'recipes/a.yaml'));
    expect(performance.now() - start).toBeLessThan(3000);
    const tooLarge = errors.find((error) => error.code === 'TOO_LARGE');
    expect(tooLarge?.key).toMatch(/^x\d+$/);
  });

  it('refuses data.synthetic.frames 1e15 and data.size [100000, 100000] at their keys', async () => {
    const frames = errorsOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { overrides: ['data.synthetic.frames=1e15'] }));
    expect(frames.map((error) => [error.code, error.key])).toContainEqual(['TOO_LARGE', 'data.synthetic.frames']);
    const size = errorsOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { overrides: ['data.size=[100000, 100000]'] }));
    expect(size.map((error) => [error.code, error.key])).toContainEqual(['TOO_LARGE', 'data.size']);
    const batch = errorsOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { overrides: ['data.size=[4000, 4000]', 'model.patch=8'] }));
    expect(batch.map((error) => error.key)).toContain('stages.0.batch');
  });

  it('accepts the defaults (the paper-sized model at 320x640, batch 100)', async () => {
    planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml'));
    planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { memoryBytes: 8 * GIB }));
  });

  // Issue 26: each of these passed validation and then grew past 4 GB before failing with exit 3.
  it.each([
    ['model.encoder.dim=1000000', 'model.encoder.dim'],
    ['model.encoder.dim=8192', 'model.encoder.dim'],
    ['model.encoder.depth=100000', 'model.encoder.depth'],
    ['data.synthetic.train_videos=1e8', 'data.synthetic.train_videos'],
  ])('refuses %s against the machine\'s memory, naming the estimate and the memory', async (override, key) => {
    const errors = errorsOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { overrides: [override], memoryBytes: 16 * GIB }));
    expect(errors.map((error) => [error.code, error.key])).toEqual([['TOO_LARGE', key]]);
    expect(errors[0]!.message).toMatch(/needs? about [\d.e+]+ GiB .*about [\d.e+]+ GiB in all, this machine has 16\.0 GiB/);
  });

  it('holds the weights to the machine, and a training step only to the absolute bound (it may run on a larger GPU)', async () => {
    // 4096 wide: about 12 GiB to train, over a 4 GiB machine, under a 16 GiB one.
    const wide = { overrides: ['model.encoder.dim=4096'] };
    expect(errorsOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { ...wide, memoryBytes: 4 * GIB }))[0]!.key).toBe('model.encoder.dim');
    planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { ...wide, memoryBytes: 16 * GIB }));
    // The paper's batch 100 at 320x640 (about 96 GiB of activations) is valid on a 16 GiB machine.
    const steps = memoryEstimate(planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml', { memoryBytes: 16 * GIB })).plan);
    expect(steps.step.bytes).toBeGreaterThan(16 * GIB);
  });
});
