// The engines that score a trained model: TF.js (the reference) and onnxruntime (the model exported to ONNX in
// memory), behind one BatchInference.
import type { Plan } from '@vadc/dsl';
import { createOnnxInference } from '../onnx/onnx-inference.ts';
import { inferBatch } from '../model/inference.ts';
import { type BatchInference } from '../score/score-video.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';

/** Engines that can score a trained model. */
export type InferenceEngine = 'tfjs' | 'onnx';

/** The batch inference of an engine; release() frees what the engine holds. */
export async function createInference(engine: InferenceEngine, model: MaskedAutoencoder, plan: Plan): Promise<{ infer: BatchInference; release: () => Promise<void> }> {
  if (engine === 'onnx') {
    const onnx = await createOnnxInference(model, plan, { threads: plan.runtime.threads === 'auto' ? undefined : plan.runtime.threads });
    return { infer: onnx.infer, release: onnx.release };
  }
  return { infer: async (batch, pass) => inferBatch(model, batch, { pass }), release: async () => {} };
}
