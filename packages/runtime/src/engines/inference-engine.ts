// The engines that score a trained model, by name (run.json and metrics.json record it). A command creates its one
// Engine with @vadc/runtime's createEngine and hands it on; `createInference` is the same for scripts that hold a name.
import type { Plan } from '@vadc/dsl';
import { createEngine } from './create-engine.ts';
import { type EngineInference } from '../engine/engine.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';

/** Engines that can score a trained model. */
export type InferenceEngine = 'tfjs' | 'onnx';

/** The batch inference of an engine; release() frees what the engine holds. */
export async function createInference(engine: InferenceEngine, model: MaskedAutoencoder, plan: Plan): Promise<EngineInference> {
  return createEngine(engine).openInference(model, plan);
}
