// Recipes that would hang or exhaust the machine are errors at their key, found quickly: a YAML alias bomb, a chain
// of `${...}` references that doubles a string per step, and sizes / frame counts that no machine can hold.
import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

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
  });
});
