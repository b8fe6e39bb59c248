// One micro-batch's training step as an ONNX graph: the model's forward in training mode (model/autoencoder.ts,
// BatchNorm on batch statistics, dropout from masks the trainer draws), the stage's loss (train/losses.ts) and,
// through the tape, the gradient of every trainable parameter. Weights are graph inputs, so one session serves
// every step; the batch, the kept-token grid and the stage are fixed per graph.
//   inputs   every parameter the forward reads (by its ParameterStore name), patches [B*L, p*p*C],
//            keep_index [B*K] / restore_index [B*L] int64 (restore clamped to B*K for mask tokens), hidden [1, B*L]
//            (1 = masked; the distillation loss counts those patches), the reconstruction loss's target [B, L, V] and
//            weights [B, L] (+ has_anomaly [B] with a classifier), one dropout mask per dropout site (0 or 1 / (1 - rate))
//   outputs  loss (this micro-batch's share of the batch loss), grad:<name> per trainable parameter, and
//            bn_mean:i / bn_var:i (batch mean, unbiased variance) per BatchNorm in forward order
// The arithmetic is the TF.js forward's; two rearrangements keep it equal while saving work, as in export-onnx.ts:
// patches are gathered before the (per-token) embedding, and the pointwise MLP skips the cls token it would
// replace anyway.
// The layers are mapped again here rather than shared with the inference export (onnx-layers.ts): that graph has a
// symbolic batch axis, weights as initializers and evaluation-mode BatchNorm, this one static shapes (the tape
// needs them to undo broadcasting), weights as inputs and training-mode BatchNorm / dropout.
import type { Plan, StagePlan } from '@vadc/dsl';
import type { Head, MaskedAutoencoder } from '../model/autoencoder.ts';
import type { Attention } from '../model/attention.ts';
import type { Block } from '../model/blocks.ts';
import type { BatchNorm, LayerNorm, Linear } from '../model/layers.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import { OnnxGraph, OnnxType } from './onnx-graph.ts';
import { Tape, type TapeValue } from './tape.ts';

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

/** A dropout site: its input name, shape and rate. */
export interface DropoutSite {
  name: string;
  shape: readonly number[];
  rate: number;
}

/** The built graph and what feeding it takes. */
export interface TrainingGraph {
  bytes: Uint8Array;
  /** Parameter inputs by ParameterStore name (each is fed its variable's values). */
  parameters: string[];
  /** Trainable parameters in gradient-output order (`grad:<name>`). */
  gradients: string[];
  dropout: DropoutSite[];
  /** BatchNorm layers in forward order (outputs bn_mean:i, bn_var:i). */
  batchNorms: BatchNorm[];
  /** The loss's data inputs (their names). */
  lossInputs: { target: boolean; weights: boolean; hasAnomaly: boolean };
}

/** Graph names of the data inputs and outputs. */
export const TRAINING_NAMES = {
  patches: 'patches',
  keepIndex: 'keep_index',
  restoreIndex: 'restore_index',
  hidden: 'hidden',
  target: 'target',
  weights: 'weights',
  hasAnomaly: 'has_anomaly',
  loss: 'loss',
  gradient: (name: string) => `grad:${name}`,
  batchMean: (index: number) => `bn_mean:${index}`,
  batchVariance: (index: number) => `bn_var:${index}`,
} as const;

// The forward pass on the tape, with parameter inputs made on first use.
class TrainingForward {
  readonly parameters = new Map<string, TapeValue>();
  readonly dropout: DropoutSite[] = [];
  readonly batchNorms: Array<{ norm: BatchNorm; mean: string; variance: string }> = [];
  /** ParameterStore names by TF.js variable name. */
  private readonly names = new Map<string, string>();
  private readonly trainable: Set<string>;

  constructor(readonly tape: Tape, readonly model: MaskedAutoencoder, trainable: readonly ParameterInfo[], readonly dropoutRate: number) {
    for (const info of model.params.list()) this.names.set(info.variable.name, info.name);
    this.trainable = new Set(trainable.map((p) => p.name));
  }

  param(variable: { name: string; shape: readonly number[] }): TapeValue {
    const name = this.names.get(variable.name);
    if (name === undefined) throw new Error(`variable ${variable.name} is not a model parameter`);
    let value = this.parameters.get(name);
    if (value === undefined) {
      value = this.tape.input(name, variable.shape, this.trainable.has(name));
      this.parameters.set(name, value);
    }
    return value;
  }

  // x [N, in] -> [N, out]
  linear(layer: Linear, x: TapeValue, scope: string): TapeValue {
    if (x.shape.length !== 2) throw new Error(`${scope}: linear expects [N, in], got [${x.shape.join(', ')}]`);
    return this.tape.gemm(x, this.param(layer.weight), layer.bias === null ? null : this.param(layer.bias), scope);
  }

  layerNorm(norm: LayerNorm, x: TapeValue, scope: string): TapeValue {
    return this.tape.layerNorm(x, this.param(norm.gamma), this.param(norm.beta), norm.epsilon, scope);
  }

  drop(x: TapeValue, scope: string): TapeValue {
    if (this.dropoutRate <= 0) return x;
    const site = { name: `dropout:${this.dropout.length}`, shape: x.shape, rate: this.dropoutRate };
    this.dropout.push(site);
    return this.tape.mul(x, this.tape.input(site.name, site.shape), scope);
  }

  // grid NCHW [B, D, rows, cols] -> same, projected (null = as is).
  private projectGrid(projection: Attention['grid']['q'], grid: TapeValue, scope: string): TapeValue {
    const { tape } = this;
    if (projection === null) return grid;
    const channels = grid.shape[1] ?? 0;
    if (projection.kind === 'avg') {
      const weight = tape.constant(`${scope}.avg_weight`, new Float32Array(channels * 9).fill(1 / 9), [channels, 1, 3, 3]);
      return tape.depthwiseConv(grid, weight, `${scope}/avg`);
    }
    // TF.js depthwise filter [3, 3, D, 1] -> ONNX grouped-conv weight [D, 1, 3, 3].
    const weight = tape.transpose(this.param(projection.filter), [2, 3, 0, 1], `${scope}/weight`);
    const convolved = tape.depthwiseConv(grid, weight, `${scope}/conv`);
    const { norm } = projection;
    const { y, mean, unbiasedVariance } = tape.batchNorm(convolved, this.param(norm.gamma), this.param(norm.beta), norm.epsilon, `${scope}.bn`);
    this.batchNorms.push({ norm, mean, variance: unbiasedVariance });
    return y;
  }

  // [B*T, D] -> [B, h, T, d]
  private heads(x: TapeValue, batch: number, tokens: number, heads: number, scope: string): TapeValue {
    const dim = x.shape[1] ?? 0;
    const split = this.tape.reshape(x, [batch, tokens, heads, dim / heads], `${scope}/split`);
    return heads === 1 ? this.tape.reshape(split, [batch, 1, tokens, dim], `${scope}/one_head`) : this.tape.transpose(split, [0, 2, 1, 3], `${scope}/heads`);
  }

  attention(layer: Attention, x: TapeValue, rows: number, cols: number, scope: string): TapeValue {
    const { tape } = this;
    const [batch = 0, tokens = 0, dim = 0] = x.shape;
    const flat = (value: TapeValue, name: string): TapeValue => tape.reshape(value, [batch * tokens, dim], `${scope}/${name}_flat`);
    let q = x, k = x, v = x;
    if (layer.projection !== 'linear') {
      const cls = tape.slice(x, 1, 0, 1, `${scope}/cls`);
      const grid = tape.transpose(tape.reshape(tape.slice(x, 1, 1, tokens, `${scope}/grid_tokens`), [batch, rows, cols, dim], `${scope}/grid_nhwc`), [0, 3, 1, 2], `${scope}/grid`);
      const back = (projected: TapeValue, name: string): TapeValue => {
        const tokensLast = tape.transpose(tape.reshape(projected, [batch, dim, rows * cols], `${scope}/${name}_nc`), [0, 2, 1], `${scope}/${name}_tokens`);
        return tape.concat([cls, tokensLast], 1, `${scope}/${name}_with_cls`);
      };
      const project = (projection: Attention['grid']['q'], name: string): TapeValue =>
        projection === null ? x : back(this.projectGrid(projection, grid, `${scope}.conv_proj_${name}`), name);
      q = project(layer.grid.q, 'q');
      k = project(layer.grid.k, 'k');
      v = project(layer.grid.v, 'v');
    }
    const qh = this.heads(this.linear(layer.q, flat(q, 'q'), `${scope}.proj_q`), batch, tokens, layer.heads, `${scope}/q`);
    const kh = this.heads(this.linear(layer.k, flat(k, 'k'), `${scope}.proj_k`), batch, tokens, layer.heads, `${scope}/k`);
    const vh = this.heads(this.linear(layer.v, flat(v, 'v'), `${scope}.proj_v`), batch, tokens, layer.heads, `${scope}/v`);
    // The official scale is dim^-0.5 of the whole width, not the head width.
    const weights = tape.softmax(tape.matmul(qh, kh, { transB: true, alpha: dim ** -0.5 }, `${scope}/scores`), `${scope}/softmax`);
    const mixed = tape.matmul(weights, vh, {}, `${scope}/mixed`); // [B, h, T, d]
    const merged = layer.heads === 1 ? mixed : tape.transpose(mixed, [0, 2, 1, 3], `${scope}/merge`);
    return this.linear(layer.output, tape.reshape(merged, [batch * tokens, dim], `${scope}/merged`), `${scope}.proj`); // [B*T, D]
  }

  // h [N, D] -> [N, D]
  private mlp(layer: Block, h: TapeValue, scope: string): TapeValue {
    const hidden = this.drop(this.tape.gelu(this.linear(layer.fc1, h, `${scope}.fc1`), `${scope}/gelu`), `${scope}/dropout`);
    return this.linear(layer.fc2, hidden, `${scope}.fc2`);
  }

  block(layer: Block, x: TapeValue, rows: number, cols: number, scope: string): TapeValue {
    const { tape } = this;
    const [batch = 0, tokens = 0, dim = 0] = x.shape;
    const attended = tape.add(x, tape.reshape(this.attention(layer.attention, this.layerNorm(layer.norm1, x, `${scope}.norm1`), rows, cols, `${scope}.attn`), x.shape, `${scope}/attn_out`), `${scope}/residual1`);
    const h = this.layerNorm(layer.norm2, attended, `${scope}.norm2`);
    let mixed: TapeValue;
    if (layer.kind === 'cvt-pointwise') {
      // The cls token skips the MLP: its row of the MLP output is the normalised input itself.
      const grid = tape.reshape(tape.slice(h, 1, 1, tokens, `${scope}/grid_tokens`), [batch * (tokens - 1), dim], `${scope}/grid_flat`);
      const out = tape.reshape(this.mlp(layer, grid, `${scope}.mlp`), [batch, tokens - 1, dim], `${scope}/mlp_tokens`);
      mixed = tape.concat([tape.slice(h, 1, 0, 1, `${scope}/cls`), out], 1, `${scope}/mlp_out`);
    } else {
      const out = this.drop(this.mlp(layer, tape.reshape(h, [batch * tokens, dim], `${scope}/flat`), `${scope}.mlp`), `${scope}/mlp_dropout`);
      mixed = tape.reshape(out, x.shape, `${scope}/mlp_out`);
    }
    return tape.add(attended, mixed, `${scope}/residual2`);
  }

  // x [B, 1 + L, D] -> normalised grid tokens [B*L, D] and the prediction [B, L, V].
  head(head: Head, x: TapeValue, scope: string): { normed: TapeValue; prediction: TapeValue } {
    const { tape } = this;
    const [batch = 0, tokens = 0, dim = 0] = x.shape;
    const grid = tape.reshape(tape.slice(x, 1, 1, tokens, `${scope}/grid_tokens`), [batch * (tokens - 1), dim], `${scope}/flat`);
    const normed = this.layerNorm(head.norm, grid, `${scope}.norm`);
    const weight = head.anomaly === null ? this.param(head.frame.weight) : tape.concat([this.param(head.frame.weight), this.param(head.anomaly.weight)], 1, `${scope}/weight`);
    const biases = [head.frame.bias, head.anomaly?.bias ?? null].filter((b): b is NonNullable<typeof b> => b !== null && b !== undefined).map((b) => this.param(b));
    const bias = biases.length === 0 ? null : biases.length === 1 ? biases[0] as TapeValue : tape.concat(biases, 0, `${scope}/bias`);
    const prediction = tape.gemm(normed, weight, bias, `${scope}/pred`);
    return { normed, prediction: tape.reshape(prediction, [batch, tokens - 1, prediction.shape[1] ?? 0], `${scope}/prediction`) };
  }
}

/** Builds the training graph of one stage for one micro-batch size. */
export function buildTrainingGraph(spec: TrainingGraphSpec): TrainingGraph {
  const { plan, stage, model, batch, keep, rows, cols } = spec;
  const graph = new OnnxGraph(`vadc_training_${stage.name}`);
  const tape = new Tape(graph);
  const forward = new TrainingForward(tape, model, spec.trainable, plan.model.dropout);
  const tokens = model.grid.rows * model.grid.cols;
  const patchInput = model.grid.patch ** 2 * model.inputChannels;
  const patches = tape.input(TRAINING_NAMES.patches, [batch * tokens, patchInput]);
  const keepIndex = graph.input(TRAINING_NAMES.keepIndex, OnnxType.int64, [batch * keep]);
  const restoreIndex = graph.input(TRAINING_NAMES.restoreIndex, OnnxType.int64, [batch * tokens]);
  const hidden = tape.input(TRAINING_NAMES.hidden, [1, batch * tokens]);

  // Encoder.
  const { encoder, decoder } = model;
  const encoderDim = encoder.cls.shape[1] as number;
  const kept = tape.gatherRows(patches, keepIndex, batch * keep, 'encoder/kept_patches');
  const embedded = forward.layerNorm(encoder.embedNorm, forward.linear(encoder.embed, kept, 'encoder.patch_embed.proj'), 'encoder.patch_embed.norm');
  const cls = tape.repeatRows(tape.reshape(forward.param(encoder.cls), [1, 1, encoderDim], 'encoder/cls_row'), batch, 'encoder/cls');
  let x = tape.concat([cls, tape.reshape(embedded, [batch, keep, encoderDim], 'encoder/kept')], 1, 'encoder/tokens');
  for (const [index, layer] of encoder.blocks.entries()) x = forward.block(layer, x, rows, cols, `encoder.blocks.${index}`);
  const latent = forward.layerNorm(encoder.norm, x, 'encoder.norm');

  // Decoder input: cls + kept tokens with mask tokens back in image order.
  const decoderDim = decoder.maskToken.shape[1] as number;
  const decoded = tape.reshape(forward.linear(decoder.embed, tape.reshape(latent, [batch * (1 + keep), encoderDim], 'decoder/latent'), 'decoder.embed'), [batch, 1 + keep, decoderDim], 'decoder/embedded');
  const pool = tape.reshape(tape.slice(decoded, 1, 1, 1 + keep, 'decoder/kept'), [batch * keep, decoderDim], 'decoder/pool');
  // With nothing masked the mask token is never read (TF.js then gives it no gradient, so AdamW leaves it alone).
  const maskToken = keep < tokens ? forward.param(decoder.maskToken) : null;
  const restored = tape.restoreRows(pool, maskToken, restoreIndex, keepIndex, hidden, 'decoder/restored');
  x = tape.concat([tape.slice(decoded, 1, 0, 1, 'decoder/cls'), tape.reshape(restored, [batch, tokens, decoderDim], 'decoder/restored_tokens')], 1, 'decoder/tokens');

  const withStudent = stage.loss === 'distillation';
  let student: TapeValue | null = null;
  for (const [index, layer] of decoder.blocks.entries()) {
    x = forward.block(layer, x, model.grid.rows, model.grid.cols, `decoder.blocks.${index}`);
    if (withStudent && index + 1 === model.student.afterBlock) {
      let s = x;
      for (const [at, own] of model.student.blocks.entries()) s = forward.block(own, s, model.grid.rows, model.grid.cols, `student.blocks.${at}`);
      student = forward.head(model.student.head, s, 'student').prediction;
    }
  }
  const teacher = forward.head(decoder.head, x, 'decoder');

  // The loss: this micro-batch's share of the batch loss (train/losses.ts).
  let loss: TapeValue;
  const lossInputs = { target: false, weights: false, hasAnomaly: false };
  if (stage.loss === 'distillation') {
    if (student === null) throw new Error('distillation needs the student branch');
    const perPatch = tape.reduceMean(tape.square(tape.sub(student, tape.detach(teacher.prediction), 'loss/difference'), 'loss/square'), [2], false, 'loss/per_patch');
    const counted = tape.reshape(hidden, [batch, tokens], 'loss/counted');
    const perFrame = keep < tokens ? tokens - keep : tokens;
    const countedWeights = keep < tokens ? counted : tape.constant('loss/all', new Float32Array(batch * tokens).fill(1), [batch, tokens]);
    loss = tape.scale(tape.reduceSum(tape.mul(perPatch, countedWeights, 'loss/weighted'), [0, 1], false, 'loss/total'), 1 / (perFrame * spec.fullBatch), 'loss/share');
  } else {
    lossInputs.target = true;
    lossInputs.weights = true;
    const target = tape.input(TRAINING_NAMES.target, teacher.prediction.shape);
    const frameValues = model.grid.patch ** 2 * model.frameChannels;
    const columns = tape.constant('loss/columns', Float32Array.from({ length: model.patchValues }, (_, i) => (i < frameValues ? 1 : plan.loss.anomaly_map_weight)), [model.patchValues]);
    const difference = tape.sub(teacher.prediction, target, 'loss/difference');
    const error = plan.loss.reconstruction === 'l2' ? tape.square(difference, 'loss/square') : tape.abs(difference, 'loss/abs');
    const perPatch = tape.reduceMean(tape.mul(error, columns, 'loss/columns_weighted'), [2], false, 'loss/per_patch');
    const total = tape.reduceSum(tape.mul(perPatch, tape.input(TRAINING_NAMES.weights, [batch, tokens]), 'loss/weighted'), [0, 1], false, 'loss/total');
    loss = plan.loss.weighting === 'motion' ? total : tape.scale(total, 1 / spec.fullBatch, 'loss/share');
    if (model.classifier !== null) {
      lossInputs.hasAnomaly = true;
      const pooled = tape.reduceMean(tape.reshape(teacher.normed, [batch, tokens, decoderDim], 'classifier/tokens'), [1], false, 'classifier/pool');
      const logit = tape.reshape(forward.linear(model.classifier, pooled, 'classifier.head'), [batch], 'classifier/logit');
      const bce = tape.binaryCrossEntropy(logit, tape.input(TRAINING_NAMES.hasAnomaly, [batch]), 'classifier/bce');
      loss = tape.add(loss, tape.scale(tape.reduceSum(bce, [0], false, 'classifier/sum'), plan.loss.classifier_weight / spec.fullBatch, 'classifier/share'), 'loss/with_classifier');
    }
  }

  const trained = [...forward.parameters.entries()].filter(([, value]) => value.grad);
  const gradients = tape.gradients(loss, trained.map(([, value]) => value));
  graph.output(loss.name, TRAINING_NAMES.loss, OnnxType.float, loss.shape);
  trained.forEach(([name, value], index) => graph.output(gradients[index] as string, TRAINING_NAMES.gradient(name), OnnxType.float, value.shape));
  forward.batchNorms.forEach((entry, index) => {
    const channels = entry.norm.gamma.shape[0] as number;
    graph.output(entry.mean, TRAINING_NAMES.batchMean(index), OnnxType.float, [channels]);
    graph.output(entry.variance, TRAINING_NAMES.batchVariance(index), OnnxType.float, [channels]);
  });
  return {
    bytes: graph.encode({ name: 'vadc', version: '0.1.0' }, `vadc training step of stage ${stage.name}`),
    parameters: [...forward.parameters.keys()],
    gradients: trained.map(([name]) => name),
    dropout: forward.dropout,
    batchNorms: forward.batchNorms.map((entry) => entry.norm),
    lossInputs,
  };
}
