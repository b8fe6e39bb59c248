import { describe, expect, it } from 'vitest';
import { canonicalJson, isScoringOnlyKey, legacyPlanHash, MACHINE_LOCAL_KEYS, planHash, sha256Hex, trainingHash } from './hash.ts';
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
  it('rule 2: the experiment hash leaves out every machine-local key and keeps every key that decides the result', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    const base = await planHash(plan);
    const edited = (key: string, value: unknown) => {
      const copy = structuredClone(plan) as unknown as Record<string, unknown>;
      const path = key.split('.');
      let node = copy;
      for (const segment of path.slice(0, -1)) node = node[segment] as Record<string, unknown>;
      node[path[path.length - 1]!] = value;
      return copy as unknown as typeof plan;
    };
    const machineLocal: Record<string, unknown> = {
      name: 'renamed', 'data.root': '/elsewhere/ped2', 'data.cache_dir': '/tmp/cache', 'data.splits.train': '/lists/train.txt', 'data.splits.validation': '/v', 'data.splits.test': '/t',
      'synthetic_anomalies.options.folder': '/objects', 'runtime.backend': 'cpu', 'runtime.threads': 7, 'runtime.workers': 2, 'scoring.batch': 3,
    };
    expect(Object.keys(machineLocal).sort()).toEqual([...MACHINE_LOCAL_KEYS].sort());
    for (const [key, value] of Object.entries(machineLocal)) expect(await planHash(edited(key, value)), key).toBe(base);
    const deciding: Record<string, unknown> = {
      'model.patch': 8, 'data.size': [64, 96], 'data.context': [-1, 0, 1], 'runtime.seed': 9, 'runtime.train_engine': 'onnx', 'masking.ratio': 0.6,
      'scoring.top_patches': 3, 'eval.region_overlap': 0.2, 'data.dataset': 'avenue', 'data.synthetic.seed': 4,
    };
    for (const [key, value] of Object.entries(deciding)) expect(await planHash(edited(key, value)), key).not.toBe(base);
    expect(await planHash({ ...plan, stages: plan.stages.map((stage) => ({ ...stage, micro_batch: 4 })) })).not.toBe(base);
  });
  it('rule 1 (run folders made before rule 2) is kept as legacyPlanHash, with its old values', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    // The hash this recipe had before rule 2 (computed with the previous build).
    expect(await legacyPlanHash(plan)).toBe('50432af5d661843fcb94f00f30c5582ee8640e1fbfed144841b94f00ccbfcf25');
    expect(await planHash(plan)).not.toBe(await legacyPlanHash(plan));
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
