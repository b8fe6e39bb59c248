// Transformer blocks, registered by the names recipes use (`model.*.block`). Both are CvT blocks
// (pre-norm attention + pre-norm MLP, residuals around each); they differ in the MLP, the paper's ablation:
// - `cvt-pointwise` (the official model): two 1x1 convolutions over the token grid with GELU and dropout between;
//   the cls token skips the MLP (PointwiseConvMlp splits it off and concatenates it back unchanged, so the residual
//   adds the normalised cls token to itself).
// - `cvt-mlp`: a fully connected MLP (timm's Mlp) applied to every token, the cls token included.
// A 1x1 convolution on NHWC tokens is exactly a linear layer on [B*T, D], which is also the fast path on wasm.
import * as tf from '@tensorflow/tfjs-core';
import type { BlockKind, StackPlan } from '@vadc/dsl';
import { attention, createAttention, type Attention } from './attention.ts';
import {
  createLayerNorm, createLinear, dropout, gelu, layerNorm, linear,
  type ForwardContext, type LayerBuilder, type LayerNorm, type Linear,
} from './layers.ts';

/** Variables of one block. */
export interface Block {
  kind: BlockKind;
  norm1: LayerNorm;
  attention: Attention;
  norm2: LayerNorm;
  fc1: Linear;
  fc2: Linear;
  dropout: number;
}

/** A registered block kind: how its MLP treats the tokens. */
export interface BlockDefinition {
  /** h [B, T, D] (normalised, cls first) -> MLP output [B, T, D]. */
  mlp(block: Block, h: tf.Tensor3D, context: ForwardContext): tf.Tensor3D;
}

function hiddenMlp(block: Block, h: tf.Tensor, context: ForwardContext): tf.Tensor {
  return linear(block.fc2, dropout(gelu(linear(block.fc1, h)), block.dropout, context));
}

/** The block kinds, keyed by recipe name. */
export const blockRegistry: Record<BlockKind, BlockDefinition> = {
  'cvt-pointwise': {
    mlp(block, h, context) {
      // Computing the MLP for the cls row too and replacing it is cheaper on wasm than splitting h (Slice copies).
      const tokens = h.shape[1];
      const isGrid = tf.tensor3d(Array.from({ length: tokens }, (_, index) => (index === 0 ? 0 : 1)), [1, tokens, 1]);
      const out = hiddenMlp(block, h, context); // [B, T, D]
      return tf.add(tf.mul(out, isGrid), tf.mul(h, tf.sub(1, isGrid))) as tf.Tensor3D;
    },
  },
  'cvt-mlp': {
    mlp(block, h, context) {
      return dropout(hiddenMlp(block, h, context), block.dropout, context) as tf.Tensor3D;
    },
  },
};

/** Creates a block of the stack's kind, width and heads. */
export function createBlock(builder: LayerBuilder, name: string, stack: StackPlan, dropoutRate: number): Block {
  const hidden = Math.floor(stack.dim * stack.mlp_ratio);
  return {
    kind: stack.block,
    norm1: createLayerNorm(builder, `${name}.norm1`, stack.dim),
    attention: createAttention(builder, `${name}.attn`, stack.dim, stack.heads, stack.qkv),
    norm2: createLayerNorm(builder, `${name}.norm2`, stack.dim),
    fc1: createLinear(builder, `${name}.mlp.fc1`, stack.dim, hidden),
    fc2: createLinear(builder, `${name}.mlp.fc2`, hidden, stack.dim),
    dropout: dropoutRate,
  };
}

/** x [B, 1 + rows * cols, D] -> same shape. */
export function block(layer: Block, x: tf.Tensor3D, rows: number, cols: number, context: ForwardContext): tf.Tensor3D {
  const attended = tf.add(x, attention(layer.attention, layerNorm(layer.norm1, x) as tf.Tensor3D, rows, cols, context)) as tf.Tensor3D;
  const definition = blockRegistry[layer.kind];
  return tf.add(attended, definition.mlp(layer, layerNorm(layer.norm2, attended) as tf.Tensor3D, context)) as tf.Tensor3D;
}
