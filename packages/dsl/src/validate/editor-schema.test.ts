import { describe, expect, it } from 'vitest';
import { compileSchema } from './check-schema.ts';
import { recipeJsonSchema, type JsonSchema } from './schema.ts';

/** Every property of the schema with its dotted path (list items as `*`). */
function properties(schema: JsonSchema, path: string[] = []): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = [];
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    found.push([[...path, key].join('.'), child], ...properties(child, [...path, key]));
    if (child.items !== undefined) found.push(...properties(child.items as JsonSchema, [...path, key, '*']));
  }
  return found;
}

describe('the editor schema (recipes/vadc.schema.json)', () => {
  const all = properties(recipeJsonSchema);

  it('describes every key, and gives the default of every single value that has one', () => {
    expect(all.length).toBeGreaterThan(140);
    expect(all.filter(([, schema]) => typeof schema.description !== 'string' || schema.description.length < 8).map(([key]) => key)).toEqual([]);
    const leaves = all.filter(([, schema]) => schema.properties === undefined);
    // No default: the dataset (required), a stage's name (required), `smoothing: { none: null }`, the grid, extends.
    const without = leaves.filter(([, schema]) => !('default' in schema) && !String(schema.description).includes('Default:')).map(([key]) => key);
    expect(without.sort()).toEqual(['data.dataset', 'extends', 'scoring.smoothing.none', 'stages.*.name', 'sweep.grid']);
    const byKey = Object.fromEntries(all);
    expect(byKey['model.patch']?.default).toBe(16);
    expect(byKey['data.size']?.default).toEqual([320, 640]);
    expect(byKey['stages.*.optimizer.adamw.lr']?.default).toBe(1e-4);
    expect(byKey['scoring.smoothing.gaussian.sigma']?.default).toBe(11);
    expect(byKey['stages.*.freeze']?.description).toContain('Default: teacher [], student ["encoder","decoder","anomaly_head"]');
  });

  it('reports each mistake once (ajv, all errors, on the schema alone)', () => {
    const validate = compileSchema(recipeJsonSchema);
    const mistakes: Array<[string, unknown]> = [
      ['wrong type of a number', { model: { patch: true } }],
      ['a number as a string', { model: { patch: 'eight' } }],
      ['out of range', { model: { patch: 0 } }],
      ['a value not in the list', { data: { dataset: 'avenu' } }],
      ['unknown key', { model: { pach: 8 } }],
      ['wrong type in a list', { data: { size: [64, 'x'] } }],
      ['inside a short-form optimizer', { stages: [{ name: 'teacher', optimizer: { adamw: { lr: 'fast' } } }] }],
      ['unknown key in a short form', { stages: [{ name: 'teacher', optimizer: { adamw: { lrr: 1 } } }] }],
      ['an unknown optimizer name', { stages: [{ name: 'teacher', optimizer: 'adamx' }] }],
      ['inside short-form smoothing', { scoring: { smoothing: { gaussian: { sigma: -1 } } } }],
      ['inside data.synthetic', { data: { synthetic: { seed: 'twelve' } } }],
      ['threads', { runtime: { threads: 'many' } }],
      ['held-out videos as a word', { validation: { hold_out: 'abc' } }],
      ['held-out videos below zero', { validation: { hold_out: -1 } }],
      ['an empty held-out name', { validation: { hold_out: [''] } }],
    ];
    for (const [label, recipe] of mistakes) {
      expect(validate(recipe), label).toBe(false);
      expect((validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`), label).toHaveLength(1);
    }
  });

  it('accepts every written form and placeholders', () => {
    const validate = compileSchema(recipeJsonSchema);
    const forms: unknown[] = [
      { vadc: 1, stages: [{ name: 'teacher', optimizer: { adamw: { lr: 0.001 } }, schedule: 'cosine' }], scoring: { smoothing: { gaussian: { range: 38, sigma: 11 } } } },
      { scoring: { smoothing: 'none' } },
      { scoring: { smoothing: { kind: 'gaussian', sigma: 3 } } },
      { data: { dataset: '???', root: '${env:VADC_PED2_ROOT}', size: '${other.size}' }, model: { patch: '${env:VADC_PATCH}', decoder: { block: '${model.encoder.block}' } } },
      { runtime: { threads: 'auto' }, extends: ['./a.yaml', '@acme/vadc-recipes/ped2.yaml'] },
      { validation: { hold_out: 3 } }, { validation: { hold_out: 0.2 } }, { validation: { hold_out: ['Train004', 'Train011'] } },
    ];
    for (const form of forms) expect(validate(form), JSON.stringify(form)).toBe(true);
  });
});
