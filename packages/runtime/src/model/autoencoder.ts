// The self-distilled masked auto-encoder (model/mae_cvt.py `MaskedAutoencoderCvT`), built from a Plan.
//   patches [B, L, p*p*C] -> conv patch embedding + LayerNorm -> keep K tokens -> [cls ; kept] -> encoder blocks
//   -> norm -> decoder embed -> [cls ; kept + mask tokens, unshuffled] -> decoder blocks -> norm -> head (teacher)
//   the student branches off after decoder block `student.after_block` with its own blocks, norm and head.
// Heads predict per patch p*p*(F + A) values, planar: p*p*F frame values, then p*p*A anomaly-map values; the anomaly
// columns are a separate variable (part `anomaly_head`) so a stage can freeze them on their own.
// The conv patch embedding (kernel = stride = p) is a MatMul on patchified input: same arithmetic, and neither it
// nor its gradient needs a conv kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { MaskingPlan, ModelPart, Plan } from '@vadc/dsl';
import { Random } from '../random.ts';
import { block, createBlock, type Block } from './blocks.ts';
import {
  createLayerNorm, createLinear, layerNorm, linear,
  type ForwardContext, type InitStyle, type LayerBuilder, type LayerNorm, type Linear,
} from './layers.ts';
import type { TokenMask } from './masking.ts';
import { ParameterStore } from './parameters.ts';
import { patchGrid, type PatchGrid } from './patches.ts';

/** A prediction head: norm + linear to the frame channels (+ a linear to the anomaly-map channels). */
export interface Head {
  norm: LayerNorm;
  frame: Linear; // [D, p*p*F]
  anomaly: Linear | null; // [D, p*p*A]
}

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

/** What the model returns for a batch. */
export interface ModelOutputs {
  /** [B, L, p*p*(F+A)] teacher prediction per patch. */
  teacher: tf.Tensor3D;
  /** [B, L, p*p*(F+A)] student prediction, when asked for. */
  student: tf.Tensor3D | null;
  /** [B] classifier logit (probability = sigmoid), when the model has the head. */
  classifierLogit: tf.Tensor1D | null;
}

// x [B, 1 + L, D] -> [B, L, p*p*(F+A)] (the cls token dropped first: norm and head work per token). Per patch the
// values are planar: the p*p*F frame values (pixels row by row, channels innermost), then the p*p*A anomaly values.
// Frame and anomaly weights are joined on the (small) weight side, so one MatMul makes the whole prediction.
function applyHead(head: Head, x: tf.Tensor3D): tf.Tensor3D {
  const [batch, tokens, dim] = x.shape;
  const normed = layerNorm(head.norm, tf.slice(x, [0, 1, 0], [batch, tokens - 1, dim])); // [B, L, D]
  if (head.anomaly === null) return linear(head.frame, normed) as tf.Tensor3D;
  const weight = tf.concat([head.frame.weight, head.anomaly.weight], 1); // [D, V]
  const bias = tf.concat([head.frame.bias as tf.Tensor, head.anomaly.bias as tf.Tensor], 0); // [V]
  return linear({ weight, bias }, normed) as tf.Tensor3D;
}

/**
 * x [1, ...] repeated `count` times along the first axis, as ones [count, 1, ...] x x: tf.broadcastTo is a Tile
 * whose gradient slices and adds once per repetition (2,560 Slice + Add kernels per step for the Ped2 recipe's mask
 * tokens), while a broadcasting Multiply's gradient is one Sum. x * 1 is exact, so values are unchanged.
 */
function repeatRows(x: tf.Tensor, count: number): tf.Tensor {
  return tf.mul(tf.ones([count, ...x.shape.slice(1).map(() => 1)]), x);
}

/** patches [B, L, p*p*C] -> latent [B, 1 + K, De] of the cls token and the kept tokens. */
export function encode(model: MaskedAutoencoder, patches: tf.Tensor3D, mask: TokenMask, context: ForwardContext): tf.Tensor3D {
  const { encoder } = model;
  const [batch, tokens] = patches.shape;
  const dim = encoder.cls.shape[1] as number;
  const embedded = layerNorm(encoder.embedNorm, linear(encoder.embed, patches)); // [B, L, De]
  const kept = tf.gather(tf.reshape(embedded, [batch * tokens, dim]), tf.tensor1d(mask.keepIndex, 'int32')); // [B*K, De]
  const cls = repeatRows(tf.reshape(encoder.cls, [1, 1, dim]), batch);
  let x = tf.concat([cls, tf.reshape(kept, [batch, mask.keep, dim])], 1) as tf.Tensor3D; // [B, 1 + K, De]
  for (const layer of encoder.blocks) x = block(layer, x, mask.rows, mask.cols, context);
  return layerNorm(encoder.norm, x) as tf.Tensor3D;
}

/** latent [B, 1 + K, De] -> decoder input [B, 1 + L, Dd]: mask tokens put back, tokens in image order. */
function unshuffle(model: MaskedAutoencoder, latent: tf.Tensor3D, mask: TokenMask): tf.Tensor3D {
  const { decoder } = model;
  const batch = latent.shape[0];
  const dim = decoder.maskToken.shape[1] as number;
  const embedded = linear(decoder.embed, latent); // [B, 1 + K, Dd]
  const cls = tf.slice(embedded, [0, 0, 0], [batch, 1, dim]);
  let pool = tf.reshape(tf.slice(embedded, [0, 1, 0], [batch, mask.keep, dim]), [batch * mask.keep, dim]);
  const hiddenCount = batch * (mask.tokens - mask.keep);
  if (hiddenCount > 0) pool = tf.concat([pool, repeatRows(decoder.maskToken, hiddenCount)], 0); // [B*L, Dd]
  const restored = tf.reshape(tf.gather(pool, tf.tensor1d(mask.restoreIndex, 'int32')), [batch, mask.tokens, dim]);
  return tf.concat([cls, restored], 1) as tf.Tensor3D;
}

/** Runs the model on patchified input; the student branch only when `withStudent`. */
export function forward(
  model: MaskedAutoencoder, patches: tf.Tensor3D, mask: TokenMask, context: ForwardContext, withStudent: boolean,
): ModelOutputs {
  const { rows, cols } = model.grid;
  let x = unshuffle(model, encode(model, patches, mask, context), mask); // [B, 1 + L, Dd]
  let student: tf.Tensor3D | null = null;
  model.decoder.blocks.forEach((layer, index) => {
    x = block(layer, x, rows, cols, context);
    if (withStudent && index + 1 === model.student.afterBlock) {
      let s = x;
      for (const own of model.student.blocks) s = block(own, s, rows, cols, context);
      student = applyHead(model.student.head, s);
    }
  });
  const teacher = applyHead(model.decoder.head, x);
  let classifierLogit: tf.Tensor1D | null = null;
  if (model.classifier !== null) {
    const [batch, tokens, dim] = x.shape;
    const pooled = tf.mean(layerNorm(model.decoder.head.norm, tf.slice(x, [0, 1, 0], [batch, tokens - 1, dim])), 1); // [B, Dd]
    classifierLogit = tf.reshape(linear(model.classifier, pooled), [batch]) as tf.Tensor1D;
  }
  return { teacher, student, classifierLogit };
}
