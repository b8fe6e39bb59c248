// The seam between the engines (TF.js, onnxruntime) and what drives them (training, scoring): a command resolves the
// engine once (engines/choose-engine.ts), creates it once (engines/create-engine.ts) and hands the one Engine to
// training and scoring; neither reads the engine back out of the Plan. Types only, so that the drivers (train/,
// score/) and the engines (backend/, onnx/) import this file and not each other.
import type * as tf from '@tensorflow/tfjs-core';
import type { EngineName, Plan, TrainEngineName } from '@vadc/dsl';
import type { TestBatch, TrainingBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { FrameOutputs } from '../model/inference.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import type { TestMaskPass } from '../model/test-mask.ts';
import type { Random } from '../random.ts';

/** The loss of a batch and the summed gradients of the given parameters (by parameter name). */
export interface StepGradients {
  loss: number;
  gradients: Map<string, tf.Tensor>;
}

/** What computes training steps' gradients (TF.js in this thread, gradient workers, onnxruntime). */
export interface GradientSource {
  /** One optimizer step's loss and gradients summed over its micro-batches (train/step.ts `stepGradients`). */
  stepGradients(plan: Plan, stageIndex: number, model: MaskedAutoencoder, batch: TrainingBatch, trainable: ParameterInfo[], random: Random): Promise<StepGradients>;
  close(): Promise<void>;
}

/** Runs one test batch through a trained model under one test-time mask, summarised per patch. */
export type BatchInference = (batch: TestBatch, pass: TestMaskPass) => Promise<FrameOutputs>;

/** A scoring session on a model's current weights; release() frees what the engine holds for it. */
export interface EngineInference {
  infer: BatchInference;
  release(): Promise<void>;
}

/** One engine: what training and scoring need from it. */
export interface Engine {
  /** The engine's name (run.json and metrics.json record it). */
  readonly name: TrainEngineName;
  /** Starts what computes the plan's training gradients; close() it when training ends. */
  startTraining(plan: Plan): Promise<GradientSource>;
  /**
   * Opens batch inference on `model` as its weights are now (TF.js reads them live; onnxruntime exports them into
   * its graph, so open another after the weights change).
   */
  openInference(model: MaskedAutoencoder, plan: Plan): Promise<EngineInference>;
}

/** The routes `auto` considers, in its order of preference. */
export type EngineRoute = 'tfjs-gpu' | 'onnx' | 'tfjs-cpu';

/** An engine route not used, and why. */
export interface EngineSkipped {
  route: EngineRoute;
  reason: string;
}

/** What runs a command's training and scoring, and why (recorded in run.json and metrics.json, printed on stderr). */
export interface EngineChoice {
  /** What was asked for: the recipe's runtime.engine, or --engine. */
  requested: EngineName;
  /** Where the request came from. */
  source: 'recipe' | '--engine';
  /** The engine that runs. */
  engine: TrainEngineName;
  /** Why this engine runs. */
  reason: string;
  /** The other routes and why each was not used (empty when an engine was named). */
  skipped: EngineSkipped[];
}
