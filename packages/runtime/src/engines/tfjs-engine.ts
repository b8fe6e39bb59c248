// TF.js as an Engine, the reference: training steps on this thread's backend (train/step.ts), or on gradient workers
// when runtime.workers > 1 (a TF.js option: one-thread wasm backends side by side), and scoring by
// model/inference.ts `inferBatch` on the model's live weights.
import { inferBatch } from '../model/inference.ts';
import { GradientWorkers } from '../train/gradient-workers.ts';
import { inThreadGradients } from '../train/step.ts';
import type { Engine } from '../engine/engine.ts';

/** The TF.js engine. */
export const tfjsEngine: Engine = {
  name: 'tfjs',
  startTraining: async (plan) => (plan.runtime.workers > 1 ? GradientWorkers.start(plan, plan.runtime.workers) : inThreadGradients),
  openInference: async (model) => ({ infer: async (batch, pass) => inferBatch(model, batch, { pass }), release: async () => {} }),
};
