// The one place an engine name becomes an Engine. A command calls it once, after resolving the name
// (choose-engine.ts), and hands the Engine to training and scoring.
import type { TrainEngineName } from '@vadc/dsl';
import type { Engine } from '../engine/engine.ts';
import { onnxEngine } from './onnx-engine.ts';
import { tfjsEngine } from './tfjs-engine.ts';

const engines: Record<TrainEngineName, Engine> = { tfjs: tfjsEngine, onnx: onnxEngine };

/** The engine named `name` (tfjs, the reference, or onnx); nothing loads until it trains or scores. */
export function createEngine(name: TrainEngineName): Engine {
  return engines[name];
}
