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
      'synthetic_anomalies.options.folder': '/objects', 'runtime.backend': 'cpu', 'runtime.threads': 7, 'runtime.workers': 2, 'runtime.spin_wait': false, 'scoring.batch': 3,
    };
    expect(Object.keys(machineLocal).sort()).toEqual([...MACHINE_LOCAL_KEYS].sort());
    for (const [key, value] of Object.entries(machineLocal)) expect(await planHash(edited(key, value)), key).toBe(base);
    const deciding: Record<string, unknown> = {
      'model.patch': 8, 'data.size': [64, 96], 'data.context': [-1, 0, 1], 'runtime.seed': 9, 'runtime.engine': 'onnx', 'masking.ratio': 0.6,
      'scoring.top_patches': 3, 'eval.region_overlap': 0.2, 'data.dataset': 'avenue', 'data.synthetic.seed': 4,
    };
    for (const [key, value] of Object.entries(deciding)) expect(await planHash(edited(key, value)), key).not.toBe(base);
    expect(await planHash({ ...plan, stages: plan.stages.map((stage) => ({ ...stage, micro_batch: 4 })) })).not.toBe(base);
  });
  it('rule 1 (run folders made before rule 2) is kept as legacyPlanHash, with its old values', async () => {
    const resolved = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    // The plan.json of that time: the engine key was train_engine, default tfjs.
    const { engine: _engine, ...runtime } = resolved.runtime;
    const plan = { ...resolved, runtime: { ...runtime, train_engine: 'tfjs' } } as unknown as typeof resolved;
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
  it('the synthetic benchmark\'s structure keys count only when they change the data, so older plans keep their hashes', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    const synthetic = plan.data.synthetic!;
    expect(synthetic).toMatchObject({ scenes: 1, abnormal_throughout: 0, brief: 0 });
    const { scenes: _scenes, abnormal_throughout: _throughout, brief: _brief, ...older } = synthetic;
    const withSynthetic = (value: Record<string, unknown>) => ({ ...plan, data: { ...plan.data, synthetic: value } }) as typeof plan;
    const base = await planHash(plan);
    expect(await planHash(withSynthetic(older))).toBe(base);
    const changed = [{ ...synthetic, scenes: 3 }, { ...synthetic, abnormal_throughout: 1 }, { ...synthetic, brief: 1 }];
    const hashes = new Set([base, ...(await Promise.all(changed.map((value) => planHash(withSynthetic(value)))))]);
    expect(hashes.size).toBe(4);
  });
  it('runtime.precision: int8 changes the experiment hash (scores change) but not the training hash; fp32 is what older plans meant', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    expect(plan.runtime.precision).toBe('fp32');
    const withPrecision = (precision: 'fp32' | 'int8') => ({ ...plan, runtime: { ...plan.runtime, precision } });
    const { precision: _precision, ...older } = plan.runtime;
    const beforeTheKey = { ...plan, runtime: older as typeof plan.runtime };
    for (const hash of [planHash, legacyPlanHash]) {
      expect(await hash(withPrecision('fp32'))).toBe(await hash(beforeTheKey));
      expect(await hash(withPrecision('int8'))).not.toBe(await hash(withPrecision('fp32')));
    }
    expect(await trainingHash(withPrecision('int8'))).toBe(await trainingHash(withPrecision('fp32')));
    // A sweep over it re-uses one trained model.
    expect(isScoringOnlyKey('runtime.precision')).toBe(true);
    expect(isScoringOnlyKey('runtime.seed')).toBe(false);
  });
  it('both hashes count the requested engine: tfjs as the old default, onnx as the old train_engine key, auto as itself', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    expect(plan.runtime.engine).toBe('auto');
    const { engine: _engine, ...older } = plan.runtime;
    const legacy = (engine: string) => ({ ...plan, runtime: { ...older, train_engine: engine } }) as unknown as typeof plan;
    const withEngine = (engine: 'auto' | 'tfjs' | 'onnx') => ({ ...plan, runtime: { ...plan.runtime, engine } });
    for (const hash of [trainingHash, planHash, legacyPlanHash]) {
      // plan.json files written before runtime.engine keep their hashes: tfjs (or no key) and onnx alike.
      expect(await hash(withEngine('tfjs'))).toBe(await hash(legacy('tfjs')));
      expect(await hash(withEngine('tfjs'))).toBe(await hash({ ...plan, runtime: older as typeof plan.runtime }));
      expect(await hash(withEngine('onnx'))).toBe(await hash(legacy('onnx')));
      const hashes = new Set([await hash(withEngine('auto')), await hash(withEngine('tfjs')), await hash(withEngine('onnx'))]);
      expect(hashes.size).toBe(3);
    }
  });
});
