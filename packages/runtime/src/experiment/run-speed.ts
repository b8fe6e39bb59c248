// Speeds a run measures (metrics.json's speed), in a file of its own: run-experiment.ts writes them and report-data.ts
// shows them, and report-data.ts is called by run-experiment.ts, so the type cannot live in either without a cycle.
import type { TrainEngineName } from '@vadc/dsl';
import type { EngineChoice } from '../engine/engine.ts';

/** Speeds measured during a run, frames per second. */
export interface RunSpeed {
  train_fps: number | null;
  infer_fps: number | null;
  /** Engine that scored (tfjs or onnx). */
  engine: TrainEngineName;
  /** What computed the training gradients (runtime.engine resolved when the run trained). */
  train_engine: 'tfjs' | 'onnx';
  /** Why the scoring engine ran and the others did not (runtime.engine or --engine resolved). */
  engine_choice?: EngineChoice;
  backend: string;
  threads: number;
  train_batch: number | null;
  infer_batch: number;
}
