import { describe, expect, it } from 'vitest';
import { errorsOf, resolveIn, SMALL } from '../test-recipes.ts';
import { compileSchema } from './check-schema.ts';
import { planJsonSchema, recipeJsonSchema } from './schema.ts';

const file = '/project/recipes/a.yaml';
const check = async (text: string) => errorsOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml'));

describe('schema errors', () => {
  it('a wrong type names the line, column, key, expected and found', async () => {
    const [error] = await check(`${SMALL}model:\n  patch: sixteen\n`);
    expect(error).toMatchObject({ code: 'WRONG_TYPE', file, line: 5, column: 10, key: 'model.patch', expected: 'integer', found: '"sixteen"' });
  });

  it('an unknown key points at the key, with did-you-mean', async () => {
    const [error] = await check(`${SMALL}model:\n  encoder:\n    hedas: 4\n`);
    expect(error).toMatchObject({ code: 'UNKNOWN_KEY', line: 6, column: 5, key: 'model.encoder.hedas', hint: 'did you mean `heads`?' });
  });

  it('an unknown top-level section is an error too', async () => {
    const [error] = await check(`${SMALL}modle:\n  patch: 8\n`);
    expect(error).toMatchObject({ code: 'UNKNOWN_KEY', line: 4, column: 1, key: 'modle', hint: 'did you mean `model`?' });
  });

  it('a bad enum value lists the allowed values and suggests the closest', async () => {
    const [error] = await check(`${SMALL}model:\n  encoder: { block: cvt-pointwize }\n`);
    expect(error).toMatchObject({ code: 'BAD_ENUM', line: 5, column: 21, key: 'model.encoder.block', expected: 'cvt-pointwise | cvt-mlp', hint: 'did you mean `cvt-pointwise`?' });
  });

  it('an out-of-range value says the bound', async () => {
    const [error] = await check(`${SMALL}masking: { ratio: 1.5 }\n`);
    expect(error).toMatchObject({ code: 'OUT_OF_RANGE', line: 4, column: 19, key: 'masking.ratio', expected: '< 1' });
  });

  it('a bad smoothing kind is one error with did-you-mean', async () => {
    const errors = await check(`${SMALL}scoring:\n  smoothing: { kind: gausian, range: 38, sigma: 11 }\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'BAD_ENUM', line: 5, column: 22, key: 'scoring.smoothing.kind', hint: 'did you mean `gaussian`?' });
  });

  it('a misspelt kind of an optimizer, schedule or smoothing, written alone or as the tag of its fields, suggests the kind', async () => {
    const errors = await check(`${SMALL}stages:\n  - name: teacher\n    optimizer: sgdd\n    schedule: { cosin: { min_lr: 0 } }\nscoring:\n  smoothing: gausian\n`);
    expect(errors).toMatchObject([
      { code: 'BAD_ENUM', file, line: 6, column: 16, key: 'stages.0.optimizer', message: '"sgdd" is not allowed here', expected: 'adamw | adam | sgd', found: '"sgdd"', hint: 'did you mean `sgd`?' },
      { code: 'UNKNOWN_KEY', file, line: 7, column: 17, key: 'stages.0.schedule.cosin', hint: 'did you mean `cosine`?' },
      { code: 'BAD_ENUM', file, line: 9, column: 14, key: 'scoring.smoothing', expected: 'none | gaussian', hint: 'did you mean `gaussian`?' },
    ]);
    expect(errors).toHaveLength(3);
  });

  it('collects every error of a file at once, in line order', async () => {
    const errors = await check(`${SMALL}model:\n  patch: x\n  encoder: { hedas: 4 }\nrutime: { seed: 1 }\nstages:\n  - { name: teacher, epochs: -1 }\n`);
    expect(errors.map((error) => [error.code, error.line, error.key])).toEqual([
      ['WRONG_TYPE', 5, 'model.patch'],
      ['UNKNOWN_KEY', 6, 'model.encoder.hedas'],
      ['UNKNOWN_KEY', 7, 'rutime'],
      ['OUT_OF_RANGE', 9, 'stages.0.epochs'],
    ]);
  });

  it('an error in a list item names its index', async () => {
    const [error] = await check(`${SMALL}stages:\n  - name: teacher\n  - name: student\n    freeze: [encoder, decodr]\n`);
    expect(error).toMatchObject({ code: 'BAD_ENUM', line: 7, column: 23, key: 'stages.1.freeze.1', hint: 'did you mean `decoder`?' });
  });

  it('threads takes a number or `auto`, in one error', async () => {
    const errors = await check(`${SMALL}runtime: { threads: many }\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'WRONG_TYPE', key: 'runtime.threads', expected: 'integer >= 1 | "auto"' });
  });
});

describe('the schemas', () => {
  it('compile in ajv strict mode and forbid unknown keys everywhere', () => {
    expect(() => compileSchema(recipeJsonSchema)).not.toThrow();
    expect(() => compileSchema(planJsonSchema)).not.toThrow();
    const objects: Array<Record<string, unknown>> = [];
    const collect = (schema: unknown): void => {
      if (Array.isArray(schema)) schema.forEach(collect);
      else if (schema !== null && typeof schema === 'object') {
        const record = schema as Record<string, unknown>;
        if (record.properties !== undefined && record.oneOf === undefined) objects.push(record);
        Object.values(record).forEach(collect);
      }
    };
    collect(recipeJsonSchema);
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) expect(object.additionalProperties).toBe(false);
  });

  it('the recipe schema accepts the short forms', () => {
    const validate = compileSchema(recipeJsonSchema);
    expect(validate({ vadc: 1, stages: [{ name: 'teacher', optimizer: { adamw: { lr: 0.001 } }, schedule: 'cosine' }], scoring: { smoothing: { gaussian: { range: 38, sigma: 11 } } } })).toBe(true);
    expect(validate({ scoring: { smoothing: 'none' } })).toBe(true);
    expect(validate({ model: { pach: 8 } })).toBe(false);
  });
});
