// onnxruntime-node as an Engine: training steps on the ONNX training graph (onnx/onnx-training.ts) and scoring on the
// model exported to an ONNX scoring graph in memory (onnx/onnx-inference.ts), both on CPU sessions with the plan's
// runtime.threads. Opening either rejects with OnnxError ONNX_RUNTIME_UNAVAILABLE when the package is not installed.
import { createOnnxInference } from '../onnx/onnx-inference.ts';
import { OnnxTrainer } from '../onnx/onnx-training.ts';
import type { Engine } from '../engine/engine.ts';

/** The onnxruntime engine. */
export const onnxEngine: Engine = {
  name: 'onnx',
  startTraining: (plan) => OnnxTrainer.start(plan),
  openInference: async (model, plan) => {
    const onnx = await createOnnxInference(model, plan, { threads: plan.runtime.threads === 'auto' ? undefined : plan.runtime.threads });
    return { infer: onnx.infer, release: onnx.release };
  },
};
