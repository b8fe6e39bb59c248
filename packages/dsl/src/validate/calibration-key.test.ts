import { describe, expect, it } from 'vitest';
import { planHash } from '../plan/hash.ts';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

describe('scoring.calibration', () => {
  it('is null unless written; a written section gets its defaults; a null one leaves the hash as before', async () => {
    const plain = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml'));
    expect(plain.plan.scoring.calibration).toBeNull();
    const { calibration: _none, ...older } = plain.plan.scoring;
    expect(await planHash({ ...plain.plan, scoring: older })).toBe(plain.hash);
    const written = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}scoring: { calibration: { target: percentile, value: 99.9 } }\n` }, 'recipes/a.yaml'));
    expect(written.plan.scoring.calibration).toEqual({ target: 'percentile', value: 99.9, fps: 25 });
    expect(written.hash).not.toBe(plain.hash);
  });

  it('reports a target out of range, and an unknown target, at their keys and lines', async () => {
    const [range] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}scoring:\n  calibration: { target: false_alarms_per_frame, value: 2 }\n` }, 'recipes/a.yaml'));
    expect(range).toMatchObject({ key: 'scoring.calibration.value', line: 5 });
    const [unknown] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}scoring: { calibration: { target: fpr } }\n` }, 'recipes/a.yaml'));
    expect(unknown).toMatchObject({ key: 'scoring.calibration.target', line: 4 });
  });
});
