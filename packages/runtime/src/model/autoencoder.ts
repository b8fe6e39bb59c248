// The self-distilled masked auto-encoder (model/mae_cvt.py `MaskedAutoencoderCvT`), built from a Plan and written
// once against the engine operations of ops.ts (TF.js, ONNX inference and ONNX training interpret it).
//   patches [B, L, p*p*C] -> keep K tokens -> conv patch embedding + LayerNorm -> [cls ; kept] -> encoder blocks
//   -> norm -> decoder embed -> [cls ; kept + mask tokens, unshuffled] -> decoder blocks -> norm -> head (teacher)
//   the student branches off after decoder block `student.after_block` with its own blocks, norm and head.
// Heads predict per patch p*p*(F + A) values, planar: p*p*F frame values, then p*p*A anomaly-map values; the anomaly
// columns are a separate variable (part `anomaly_head`) so a stage can freeze them on their own.
// The conv patch embedding (kernel = stride = p) is a linear layer on patchified input: same arithmetic. It is
// per token, so the kept patches are gathered before it (the official code embeds all L, then keeps K: same numbers).
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskingPlan, ModelPart, Plan } from '@vadc/dsl';
import { Random } from '../random.ts';
import { block, createBlock } from './blocks.ts';
import { createLayerNorm, createLinear, layerNorm, linear, type InitStyle, type LayerBuilder } from './layers.ts';
import type { TokenMask } from './masking.ts';
import type { ModelOps } from './ops.ts';
import { ParameterStore } from './parameters.ts';
import { patchGrid, type PatchGrid } from './patches.ts';
import type { Block, Head, LayerNorm, Linear } from './records.ts';
import { TfjsOps, type ForwardContext } from './tfjs-ops.ts';

/** The model's variables and sizes. */
export interface MaskedAutoencoder {
  params: ParameterStore;
  grid: PatchGrid;
  inputChannels: number;
  frameChannels: number;
  anomalyChannels: number;
  /** Values per patch in a prediction: p * p * (F + A). */
  patchValues: number;
  encoder: { embed: Linear; embedNorm: LayerNorm; cls: tf.Variable; blocks: Block[]; norm: LayerNorm };
  decoder: { embed: Linear; maskToken: tf.Variable; blocks: Block[]; head: Head };
  student: { afterBlock: number; blocks: Block[]; head: Head };
  classifier: Linear | null;
  /** Index of the current frame (offset 0) in plan.data.context: its channels are the input's 3i..3i+2. */
  currentFrame: number;
  /** The plan's masking, used again at test time (the official model masks at inference too). */
  masking: MaskingPlan;
  /** plan.runtime.seed (test-time masks derive from it). */
  seed: number;
}

/** Options of model construction that are not part of the recipe. */
export interface ModelOptions {
  /** Seed of the initial weights (default: plan.runtime.seed). */
  seed?: number;
  /** Weight initialisation (default `pytorch`, what the official model gets). */
  init?: InitStyle;
}

function createHead(builder: LayerBuilder, name: string, dim: number, model: Pick<MaskedAutoencoder, 'grid' | 'frameChannels' | 'anomalyChannels'>, anomalyPart: ModelPart): Head {
  const pixels = model.grid.patch * model.grid.patch;
  return {
    norm: createLayerNorm(builder, `${name}.norm`, dim),
    frame: createLinear(builder, `${name}.pred`, dim, pixels * model.frameChannels),
    anomaly: model.anomalyChannels > 0
      ? createLinear({ ...builder, part: anomalyPart }, `${name}.pred_anomaly`, dim, pixels * model.anomalyChannels)
      : null,
  };
}

/** Builds the model a Plan declares, with fresh weights. */
export function createModel(plan: Plan, options: ModelOptions = {}): MaskedAutoencoder {
  const { model: spec } = plan;
  const params = new ParameterStore(Random.derive(options.seed ?? plan.runtime.seed, 'model/init'));
  const init = options.init ?? 'pytorch';
  const part = (p: ModelPart): LayerBuilder => ({ params, part: p, init });
  const grid = patchGrid(plan.data.size[0], plan.data.size[1], spec.patch);
  const inputChannels = 3 * plan.data.context.length;
  const sizes = { grid, frameChannels: spec.outputs.frame, anomalyChannels: spec.outputs.anomaly_map };
  if (spec.student.after_block < 1 || spec.student.after_block > spec.decoder.depth) {
    throw new Error(`model.student.after_block ${spec.student.after_block} is outside 1..${spec.decoder.depth}`);
  }
  if (!plan.data.context.includes(0)) throw new Error('data.context must contain 0 (the frame being reconstructed)');
  const patchIn = spec.patch * spec.patch * inputChannels;
  const encoder = part('encoder');
  const decoder = part('decoder');
  const student = part('student');
  return {
    params,
    ...sizes,
    inputChannels,
    patchValues: spec.patch * spec.patch * (sizes.frameChannels + sizes.anomalyChannels),
    encoder: {
      // Conv2d(C, D, p, stride p) with PyTorch's default init: fan_in = C * p * p.
      embed: createLinear({ ...encoder, init: 'pytorch' }, 'encoder.patch_embed.proj', patchIn, spec.encoder.dim),
      embedNorm: createLayerNorm(encoder, 'encoder.patch_embed.norm', spec.encoder.dim),
      cls: params.parameter('encoder.cls_token', 'encoder', [1, spec.encoder.dim], { kind: 'zeros' }),
      blocks: Array.from({ length: spec.encoder.depth }, (_, i) => createBlock(encoder, `encoder.blocks.${i}`, spec.encoder, spec.dropout)),
      norm: createLayerNorm(encoder, 'encoder.norm', spec.encoder.dim),
    },
    decoder: {
      embed: createLinear(decoder, 'decoder.embed', spec.encoder.dim, spec.decoder.dim),
      maskToken: params.parameter('decoder.mask_token', 'decoder', [1, spec.decoder.dim], { kind: 'zeros' }),
      blocks: Array.from({ length: spec.decoder.depth }, (_, i) => createBlock(decoder, `decoder.blocks.${i}`, spec.decoder, spec.dropout)),
      head: createHead(decoder, 'decoder', spec.decoder.dim, sizes, 'anomaly_head'),
    },
    student: {
      afterBlock: spec.student.after_block,
      blocks: Array.from({ length: spec.student.blocks }, (_, i) => createBlock(student, `student.blocks.${i}`, spec.decoder, spec.dropout)),
      head: createHead(student, 'student', spec.decoder.dim, sizes, 'student'),
    },
    classifier: spec.outputs.classifier ? createLinear(part('classifier'), 'classifier.head', spec.decoder.dim, 1) : null,
    currentFrame: plan.data.context.indexOf(0),
    masking: { ...plan.masking },
    seed: plan.runtime.seed,
  };
}

/** What the model returns for a batch, in the engine's values. */
export interface ModelOutputs<V = tf.Tensor> {
  /** [B, L, p*p*(F+A)] teacher prediction per patch. */
  teacher: V;
  /** [B, L, p*p*(F+A)] student prediction, when asked for. */
  student: V | null;
  /** [B] classifier logit (probability = sigmoid), when the model has the head. */
  classifierLogit: V | null;
}

// x [B, 1 + L, D] -> the normalised grid tokens [B, L, D] and the prediction [B, L, V]. Per patch the values are
// planar: the p*p*F frame values (pixels row by row, channels innermost), then the p*p*A anomaly values. Frame and
// anomaly weights are joined on the (small) weight side, so one product makes the whole prediction.
function applyHead<V>(ops: ModelOps<V>, head: Head, x: V, tokens: number, scope: string): { normed: V; prediction: V } {
  const normed = layerNorm(ops, head.norm, ops.slice(x, 1, 1, 1 + tokens, `${scope}/grid_tokens`), `${scope}.norm`);
  if (head.anomaly === null) return { normed, prediction: linear(ops, head.frame, normed, `${scope}.pred`) };
  const weight = ops.concat([ops.param(head.frame.weight), ops.param(head.anomaly.weight)], 1, `${scope}/pred_weight`);
  // createHead gives both linears a bias, so the joined bias is their two biases side by side.
  if (head.frame.bias === null || head.anomaly.bias === null) throw new Error(`${scope}: a prediction head without its biases`);
  const bias = ops.concat([ops.param(head.frame.bias), ops.param(head.anomaly.bias)], 0, `${scope}/pred_bias`);
  return { normed, prediction: ops.linear(normed, weight, bias, `${scope}.pred`) };
}

/** patches [B, L, p*p*C] -> latent [B, 1 + K, De] of the cls token and the kept tokens. */
export function encode<V>(ops: ModelOps<V>, model: MaskedAutoencoder, patches: V): V {
  const { encoder } = model;
  const kept = ops.keepTokens(patches, 'encoder/kept_patches'); // [B, K, p*p*C]
  const embedded = layerNorm(ops, encoder.embedNorm, linear(ops, encoder.embed, kept, 'encoder.patch_embed.proj'), 'encoder.patch_embed.norm');
  let x = ops.concat([ops.repeatBatch(ops.param(encoder.cls), 'encoder/cls'), embedded], 1, 'encoder/tokens'); // [B, 1 + K, De]
  const { rows, cols } = ops.kept;
  for (const [index, layer] of encoder.blocks.entries()) x = block(ops, layer, x, rows, cols, `encoder.blocks.${index}`);
  return layerNorm(ops, encoder.norm, x, 'encoder.norm');
}

/** Which optional outputs a forward pass computes (a loss that reads neither leaves their weights out of its graph). */
export interface ForwardHeads {
  student: boolean;
  /** The classifier logit, when the model has the head. */
  classifier: boolean;
}

/** Runs the model on patchified input [B, L, p*p*C], with the optional heads `heads` asks for. */
export function forwardPass<V>(ops: ModelOps<V>, model: MaskedAutoencoder, patches: V, heads: ForwardHeads): ModelOutputs<V> {
  const { rows, cols } = model.grid;
  const tokens = rows * cols;
  const { keep } = ops.kept;
  // The decoder's input: cls + the kept tokens with mask tokens put back, in image order.
  const decoded = linear(ops, model.decoder.embed, encode(ops, model, patches), 'decoder.embed'); // [B, 1 + K, Dd]
  const restored = ops.restoreTokens(ops.slice(decoded, 1, 1, 1 + keep, 'decoder/kept'), model.decoder.maskToken, 'decoder/restored');
  let x = ops.concat([ops.slice(decoded, 1, 0, 1, 'decoder/cls'), restored], 1, 'decoder/tokens'); // [B, 1 + L, Dd]
  let student: V | null = null;
  for (const [index, layer] of model.decoder.blocks.entries()) {
    x = block(ops, layer, x, rows, cols, `decoder.blocks.${index}`);
    if (heads.student && index + 1 === model.student.afterBlock) {
      let s = x;
      for (const [at, own] of model.student.blocks.entries()) s = block(ops, own, s, rows, cols, `student.blocks.${at}`);
      student = applyHead(ops, model.student.head, s, tokens, 'student').prediction;
    }
  }
  const teacher = applyHead(ops, model.decoder.head, x, tokens, 'decoder');
  let classifierLogit: V | null = null;
  if (heads.classifier && model.classifier !== null) {
    // Mean over tokens of the teacher head's normalised tokens, then a linear to one logit.
    const pooled = ops.mean(teacher.normed, [1], 'classifier/pool'); // [B, Dd]
    classifierLogit = ops.dropLastAxis(linear(ops, model.classifier, pooled, 'classifier.head'), 'classifier/logit');
  }
  return { teacher: teacher.prediction, student, classifierLogit };
}

/** The forward pass on TF.js tensors (patches [B, L, p*p*C], the batch's mask); the classifier whenever the model has one. */
export function forward(model: MaskedAutoencoder, patches: tf.Tensor, mask: TokenMask, context: ForwardContext, withStudent: boolean): ModelOutputs<tf.Tensor> {
  return forwardPass(new TfjsOps(mask, context), model, patches, { student: withStudent, classifier: true });
}
