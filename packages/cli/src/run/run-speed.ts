// Speeds a run measures (metrics.json's speed), in a file of its own: execute-run.ts writes them and report-data.ts
// shows them, and report-data.ts is called by execute-run.ts, so the type cannot live in either without a cycle.
import type { InferenceEngine } from './inference-engine.ts';

/** Speeds measured during a run, frames per second. */
export interface RunSpeed {
  train_fps: number | null;
  infer_fps: number | null;
  /** Engine that scored (tfjs or onnx). */
  engine: InferenceEngine;
  /** What computed the training gradients (runtime.train_engine). */
  train_engine: 'tfjs' | 'onnx';
  backend: string;
  threads: number;
  train_batch: number | null;
  infer_batch: number;
}
