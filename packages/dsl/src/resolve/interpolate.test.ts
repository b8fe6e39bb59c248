import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

const real = (root: string) => `vadc: 1\ndata:\n  dataset: ucsd-ped2\n  root: ${root}\n`;

describe('${env:NAME}', () => {
  it('reads VADC_ names from the given environment', async () => {
    const { plan, origins } = planOf(await resolveIn({ 'recipes/a.yaml': real('${env:VADC_PED2_ROOT}') }, 'recipes/a.yaml', { env: { VADC_PED2_ROOT: '/data/ped2' } }));
    expect(plan.data.root).toBe('/data/ped2');
    expect(origins['data.root']).toEqual({ file: '/project/recipes/a.yaml', line: 4, column: 9 });
  });

  it('refuses other names unless allowed, saying how', async () => {
    const files = { 'recipes/a.yaml': real('${env:HOME}/ped2') };
    const [error] = errorsOf(await resolveIn(files, 'recipes/a.yaml', { env: { HOME: '/home/me' } }));
    expect(error).toMatchObject({ code: 'ENV_NOT_ALLOWED', line: 4, column: 9, key: 'data.root' });
    expect(error!.hint).toContain('--allow-env HOME');
    const { plan } = planOf(await resolveIn(files, 'recipes/a.yaml', { env: { HOME: '/home/me' }, allowEnv: ['HOME'] }));
    expect(plan.data.root).toBe('/home/me/ped2');
  });

  it('an unset variable is an error; a whole-value variable takes its YAML type', async () => {
    expect(errorsOf(await resolveIn({ 'recipes/a.yaml': real('${env:VADC_NOPE}') }, 'recipes/a.yaml'))[0]).toMatchObject({ code: 'ENV_UNSET', key: 'data.root' });
    const { plan } = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { seed: '\${env:VADC_SEED}' }\n` }, 'recipes/a.yaml', { env: { VADC_SEED: '42' } }));
    expect(plan.runtime.seed).toBe(42);
  });
});

describe('${a.b} references', () => {
  it('a whole reference copies the value with its type; inside a string it is text', async () => {
    const text = `${SMALL}model:\n  patch: 8\n  decoder: { dim: '\${model.encoder.dim}' }\nname: 'p\${model.patch}-\${data.dataset}'\n`;
    const { plan } = planOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml'));
    expect(plan.model.decoder.dim).toBe(256);
    expect(plan.name).toBe('p8-synthetic');
  });

  it('references may chain; a cycle or a missing key is an error', async () => {
    const chain = `${SMALL}runtime: { seed: '\${scoring.batch}' }\nscoring: { batch: '\${stages.student.batch}' }\n`;
    expect(planOf(await resolveIn({ 'recipes/a.yaml': chain }, 'recipes/a.yaml')).plan.runtime.seed).toBe(100);
    const cycle = `${SMALL}runtime: { seed: '\${scoring.batch}' }\nscoring: { batch: '\${runtime.seed}' }\n`;
    expect(errorsOf(await resolveIn({ 'recipes/a.yaml': cycle }, 'recipes/a.yaml'))[0]).toMatchObject({ code: 'REFERENCE_CYCLE' });
    const [missing] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { seed: '\${model.pach}' }\n` }, 'recipes/a.yaml'));
    expect(missing).toMatchObject({ code: 'REFERENCE_NOT_FOUND', line: 4, key: 'runtime.seed', hint: 'did you mean `${model.patch}`?' });
  });
});

describe('??? mandatory values', () => {
  const files = { 'recipes/base.yaml': 'vadc: 1\ndata:\n  dataset: ???\n  size: [64, 64]\n', 'recipes/a.yaml': 'vadc: 1\nextends: base.yaml\n' };
  it('left in place they are an error at the line that wrote ???', async () => {
    const [error] = errorsOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'MISSING_VALUE', file: '/project/recipes/base.yaml', line: 3, column: 12, key: 'data.dataset' });
  });
  it('an extending recipe or --set supplies them', async () => {
    expect(planOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['data.dataset=synthetic'] })).plan.data.dataset).toBe('synthetic');
    const extending = { ...files, 'recipes/a.yaml': 'vadc: 1\nextends: base.yaml\ndata: { dataset: synthetic }\n' };
    expect(planOf(await resolveIn(extending, 'recipes/a.yaml')).plan.data.size).toEqual([64, 64]);
  });
});
