import { describe, expect, it } from 'vitest';
import { canonicalJson, isScoringOnlyKey, MACHINE_LOCAL_KEYS, planHash, sha256Hex, trainingHash } from './hash.ts';
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
    expect(await planHash(withPrecision('fp32'))).toBe(await planHash(beforeTheKey));
    expect(await planHash(withPrecision('int8'))).not.toBe(await planHash(withPrecision('fp32')));
    expect(await trainingHash(withPrecision('int8'))).toBe(await trainingHash(withPrecision('fp32')));
    // A sweep over it re-uses one trained model.
    expect(isScoringOnlyKey('runtime.precision')).toBe(true);
    expect(isScoringOnlyKey('runtime.seed')).toBe(false);
  });
  it('both hashes count the requested engine (auto, tfjs and onnx differ), tfjs hashed as the first default (no key)', async () => {
    const plan = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml')).plan;
    expect(plan.runtime.engine).toBe('auto');
    const { engine: _engine, ...older } = plan.runtime;
    const withEngine = (engine: 'auto' | 'tfjs' | 'onnx') => ({ ...plan, runtime: { ...plan.runtime, engine } });
    for (const hash of [trainingHash, planHash]) {
      expect(await hash(withEngine('tfjs'))).toBe(await hash({ ...plan, runtime: older as typeof plan.runtime }));
      const hashes = new Set([await hash(withEngine('auto')), await hash(withEngine('tfjs')), await hash(withEngine('onnx'))]);
      expect(hashes.size).toBe(3);
    }
  });
});
