import { describe, expect, it } from 'vitest';
import { canonicalJson, planHash } from '../plan/hash.ts';
import { validationDefaults } from '../resolve/defaults.ts';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

const resolve = (text: string, overrides: string[] = []) => resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml', { overrides });

describe('the validation section', () => {
  it('is null unless written; a written section gets every default', async () => {
    expect(planOf(await resolve(SMALL)).plan.validation).toBeNull();
    expect(planOf(await resolve(`${SMALL}validation: {}\n`)).plan.validation).toEqual(validationDefaults);
    const named = planOf(await resolve(`${SMALL}validation: { hold_out: [train-001], selection: best }\n`)).plan.validation;
    expect(named).toMatchObject({ hold_out: ['train-001'], selection: 'best', metric: 'micro_auc', every: 1 });
    expect(planOf(await resolve(SMALL, ['validation.selection=best'])).plan.validation?.selection).toBe('best');
  });

  it('rejects bad values at their key and line', async () => {
    const errors = errorsOf(await resolve(`${SMALL}validation:\n  hold_out: 1.5\n  metric: rbdc\n  anomalies: { intervals: 5, length: [0.3, 0.2] }\n`));
    expect(errors.map((error) => [error.key, error.line])).toEqual([['validation.metric', 6]]);
    const cross = errorsOf(await resolve(`${SMALL}validation:\n  hold_out: 1.5\n  anomalies: { intervals: 5, length: [0.3, 0.2] }\n`));
    expect(cross.map((error) => [error.code, error.key, error.line])).toEqual([
      ['CROSS_FIELD', 'validation.hold_out', 5], ['CROSS_FIELD', 'validation.anomalies.intervals', 6], ['CROSS_FIELD', 'validation.anomalies.length', 6],
    ]);
    expect(errorsOf(await resolve(`${SMALL}validation: { hold_out: 0 }\n`))[0]).toMatchObject({ key: 'validation.hold_out', line: 4 });
  });

  it('leaves the hash of plans without it unchanged, and enters it when written', async () => {
    const plain = planOf(await resolve(SMALL)).plan;
    const { validation: _validation, ...before } = plain;
    expect(await planHash(plain)).toBe(await planHash(before as typeof plain));
    const validated = planOf(await resolve(`${SMALL}validation: {}\n`)).plan;
    expect(await planHash(validated)).not.toBe(await planHash(plain));
    expect(canonicalJson(validated)).toContain('"validation":{');
  });
});
