import { describe, expect, it } from 'vitest';
import { canonicalJson, isScoringOnlyKey, planHash, sha256Hex, trainingHash } from './hash.ts';
import { planOf, resolveIn, SMALL } from '../test-recipes.ts';

describe('hashing', () => {
  it('canonical JSON sorts keys at every level and keeps list order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
  it('SHA-256 matches the FIPS 180-2 test vector', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('knows which keys only affect scoring', () => {
    expect(isScoringOnlyKey('scoring.weights.teacher')).toBe(true);
    expect(isScoringOnlyKey('eval.region_overlap')).toBe(true);
    expect(isScoringOnlyKey('model.encoder.block')).toBe(false);
    expect(isScoringOnlyKey('stages[0].epochs')).toBe(false);
  });
  it('the training hash ignores scoring, the name and runtime.workers, but not the seed', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    const base = await trainingHash(plan);
    expect(await trainingHash({ ...plan, name: 'other', scoring: { ...plan.scoring, top_patches: 3 } })).toBe(base);
    expect(await trainingHash({ ...plan, runtime: { ...plan.runtime, workers: 2 } })).toBe(base);
    // A plan.json written before runtime.workers existed.
    const { workers: _workers, ...older } = plan.runtime;
    expect(await trainingHash({ ...plan, runtime: older as typeof plan.runtime })).toBe(base);
    expect(await trainingHash({ ...plan, runtime: { ...plan.runtime, seed: 9 } })).not.toBe(base);
  });
  it('both hashes count runtime.train_engine only when it is not the default', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    expect(plan.runtime.train_engine).toBe('tfjs');
    const { train_engine: _engine, ...older } = plan.runtime;
    for (const hash of [trainingHash, planHash]) {
      const base = await hash(plan);
      expect(await hash({ ...plan, runtime: older as typeof plan.runtime })).toBe(base);
      expect(await hash({ ...plan, runtime: { ...plan.runtime, train_engine: 'onnx' } })).not.toBe(base);
    }
  });
});
