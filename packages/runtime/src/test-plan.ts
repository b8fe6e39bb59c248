// A complete, tiny Plan for runtime tests, written out by hand so the runtime's tests do not depend on the recipe
// language. Sizes are the smallest that still exercise every part of the model.
import type { Plan } from '@vadc/dsl';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> : T[K] };

function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const current = result[key];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    result[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return result as T;
}

/** A tiny synthetic-data Plan (32x32 frames, patch 8, dims 16), with optional deep overrides. */
export function tinyPlan(overrides?: DeepPartial<Plan>): Plan {
  const stack = { dim: 16, depth: 2, heads: 2, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' } as const;
  const optimizer = { kind: 'adamw', lr: 1e-3, weight_decay: 0.05, betas: [0.9, 0.95], momentum: 0 } as const;
  const schedule = { kind: 'constant', warmup_epochs: 0, min_lr: 0 } as const;
  const base: Plan = {
    vadc: 1,
    name: 'tiny',
    data: {
      dataset: 'synthetic',
      root: null,
      size: [32, 32],
      context: [-3, 0, 3],
      motion: { step: 1 },
      cache_dir: null,
      splits: { train: null, validation: null, test: null },
      synthetic: {
        seed: 7,
        train_videos: 2,
        test_videos: 2,
        frames: 24,
        resolution: [48, 64],
        walkers: [1, 3],
        anomalies: ['running', 'wrong-direction', 'vehicle'],
      },
    },
    model: {
      patch: 8,
      encoder: { ...stack },
      decoder: { ...stack, dim: 8 },
      student: { after_block: 1, blocks: 1 },
      outputs: { frame: 3, anomaly_map: 1, classifier: false },
      dropout: 0,
    },
    masking: { ratio: 0.5, strategy: 'random' },
    loss: {
      reconstruction: 'l2',
      weighting: 'motion',
      tokens: 'masked',
      anomaly_floor: 0.5,
      anomaly_map_weight: 1,
      classifier_weight: 1,
    },
    synthetic_anomalies: {
      probability: 0.25,
      generator: 'procedural',
      options: { folder: null, scale: [0.1, 0.3], speed: [1, 4], opacity: [0.8, 1] },
    },
    stages: [
      { name: 'teacher', kind: 'teacher', epochs: 2, batch: 4, micro_batch: null, optimizer: { ...optimizer, betas: [0.9, 0.95] }, schedule: { ...schedule }, freeze: [], loss: 'reconstruction', clip_grad: null, steps_per_epoch: null },
      { name: 'student', kind: 'student', epochs: 1, batch: 4, micro_batch: null, optimizer: { ...optimizer, betas: [0.9, 0.95] }, schedule: { ...schedule }, freeze: ['encoder', 'decoder', 'anomaly_head'], loss: 'distillation', clip_grad: null, steps_per_epoch: null },
    ],
    scoring: {
      weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5, classifier: 0 },
      errors: { teacher: 'l2', discrepancy: 'l2' },
      smoothing: { kind: 'none' },
      normalize: false,
      top_patches: null,
      batch: 4,
      maps: { erode: 0, dilate: 0 },
    },
    eval: { metrics: ['micro_auc', 'macro_auc'], region_overlap: 0.1, track_overlap: 0.1, map_thresholds: 20 },
    runtime: { backend: 'cpu', seed: 1, threads: 1, workers: 1, spin_wait: false, engine: 'tfjs' },
    sweep: null,
    validation: null,
  };
  return merge(base, overrides);
}
