// One micro-batch's training step as an ONNX graph: the model's forward in training mode (model/autoencoder.ts
// `forwardPass`, BatchNorm on batch statistics, dropout from masks the trainer draws), the stage's loss
// (train/losses.ts) and, through the tape, the gradient of every trainable parameter, all written by the tape
// interpreter of the model's operations (tape-ops.ts). Weights are graph inputs, so one session serves every step;
// the batch, the kept-token grid and the stage are fixed per graph.
//   inputs   every parameter the forward reads (by its ParameterStore name), patches [B, L, p*p*C],
//            keep_index [B*K] / restore_index [B*L] int64 (restore clamped to B*K for mask tokens), hidden [1, B*L]
//            (1 = masked), the loss's data inputs (lossRegistry[stage.loss].inputs: the reconstruction loss's target
//            [B, L, V], weights [B, L] (+ has_anomaly [B] with a classifier); the distillation loss's counted
//            [B, L]), one dropout mask per dropout site (0 or 1 / (1 - rate))
//   outputs  loss (this micro-batch's share of the batch loss), grad:<name> per trainable parameter, and
//            bn_mean:i / bn_var:i (batch mean, unbiased variance) per BatchNorm in forward order
import type { Plan, StagePlan } from '@vadc/dsl';
import { forwardPass, type MaskedAutoencoder } from '../model/autoencoder.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import type { BatchNorm } from '../model/records.ts';
import { lossRegistry, type LossSettings } from '../train/losses.ts';
import { OnnxGraph, OnnxType } from './onnx-graph.ts';
import { Tape } from './tape.ts';
import { TapeOps, type DropoutSite } from './tape-ops.ts';

export type { DropoutSite } from './tape-ops.ts';

/** What a training graph is built for. */
export interface TrainingGraphSpec {
  plan: Plan;
  stage: StagePlan;
  model: MaskedAutoencoder;
  /** The parameters the stage trains (their gradients are outputs). */
  trainable: readonly ParameterInfo[];
  /** Samples in this micro-batch and in the whole (accumulated) batch. */
  batch: number;
  fullBatch: number;
  /** The kept-token grid of the stage's masks: K = rows * cols of L tokens. */
  keep: number;
  rows: number;
  cols: number;
}

/** The built graph and what feeding it takes. */
export interface TrainingGraph {
  bytes: Uint8Array;
  /** Every output (loss, gradients, batch statistics) by name, with its shape. */
  outputs: Record<string, readonly number[]>;
  /** Parameter inputs by ParameterStore name (each is fed its variable's values). */
  parameters: string[];
  /** Trainable parameters in gradient-output order (`grad:<name>`). */
  gradients: string[];
  dropout: DropoutSite[];
  /** BatchNorm layers in forward order (outputs bn_mean:i, bn_var:i). */
  batchNorms: BatchNorm[];
  /** The loss's data inputs: name -> shape (fed lossRegistry[stage.loss].values of the micro-batch). */
  lossInputs: Record<string, readonly number[]>;
}

/** Graph names of the data inputs and outputs. */
export const TRAINING_NAMES = {
  patches: 'patches',
  keepIndex: 'keep_index',
  restoreIndex: 'restore_index',
  hidden: 'hidden',
  loss: 'loss',
  gradient: (name: string) => `grad:${name}`,
  batchMean: (index: number) => `bn_mean:${index}`,
  batchVariance: (index: number) => `bn_var:${index}`,
} as const;

/** Builds the training graph of one stage for one micro-batch size. */
export function buildTrainingGraph(spec: TrainingGraphSpec): TrainingGraph {
  const { plan, stage, model, batch, keep, rows, cols } = spec;
  const graph = new OnnxGraph(`vadc_training_${stage.name}`);
  const tape = new Tape(graph);
  const tokens = model.grid.rows * model.grid.cols;
  const patchInput = model.grid.patch ** 2 * model.inputChannels;
  const patches = tape.input(TRAINING_NAMES.patches, [batch, tokens, patchInput]);
  const keepIndex = graph.input(TRAINING_NAMES.keepIndex, OnnxType.int64, [batch * keep]);
  const restoreIndex = graph.input(TRAINING_NAMES.restoreIndex, OnnxType.int64, [batch * tokens]);
  const hidden = tape.input(TRAINING_NAMES.hidden, [1, batch * tokens]);
  const ops = new TapeOps(tape, model, spec.trainable, { keepIndex, restoreIndex, hidden }, { tokens, keep, rows, cols }, batch);

  const loss = lossRegistry[stage.loss];
  const outputs = forwardPass(ops, model, patches, loss.heads);
  const settings: LossSettings = { plan, model, batch, fullBatch: spec.fullBatch, tokens, keep };
  const lossInputs = loss.inputs(settings);
  const data = Object.fromEntries(Object.entries(lossInputs).map(([name, shape]) => [name, tape.input(name, shape)]));
  const value = loss.describe(ops, outputs, data, settings);

  const trained = [...ops.parameters.entries()].filter(([, parameter]) => parameter.grad);
  const gradients = tape.gradients(value, trained.map(([, parameter]) => parameter));
  const outputShapes: Record<string, readonly number[]> = {};
  const output = (value: string, name: string, shape: readonly number[]) => {
    graph.output(value, name, OnnxType.float, shape);
    outputShapes[name] = shape;
  };
  output(value.name, TRAINING_NAMES.loss, value.shape);
  trained.forEach(([name, parameter], index) => output(gradients[index] as string, TRAINING_NAMES.gradient(name), parameter.shape));
  ops.batchNorms.forEach((entry, index) => {
    const channels = entry.norm.gamma.shape[0] as number;
    output(entry.mean, TRAINING_NAMES.batchMean(index), [channels]);
    output(entry.variance, TRAINING_NAMES.batchVariance(index), [channels]);
  });
  return {
    bytes: graph.encode({ name: 'vadc', version: '0.1.0' }, `vadc training step of stage ${stage.name}`),
    outputs: outputShapes,
    parameters: [...ops.parameters.keys()],
    gradients: trained.map(([name]) => name),
    dropout: ops.dropoutSites,
    batchNorms: ops.batchNorms.map((entry) => entry.norm),
    lossInputs,
  };
}
