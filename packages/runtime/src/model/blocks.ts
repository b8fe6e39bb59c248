// Transformer blocks, registered by the names recipes use (`model.*.block`). Both are CvT blocks
// (pre-norm attention + pre-norm MLP, residuals around each); they differ in the MLP, the paper's ablation:
// - `cvt-pointwise` (the official model): two 1x1 convolutions over the token grid with GELU and dropout between;
//   the cls token skips the MLP (PointwiseConvMlp splits it off and concatenates it back unchanged, so the residual
//   adds the normalised cls token to itself).
// - `cvt-mlp`: a fully connected MLP (timm's Mlp) applied to every token, the cls token included.
// A 1x1 convolution on tokens is exactly a linear layer over the channels.
import type { BlockKind, StackPlan } from '@vadc/dsl';
import { attention, createAttention } from './attention.ts';
import { createLayerNorm, createLinear, layerNorm, linear, type LayerBuilder } from './layers.ts';
import type { ModelOps } from './ops.ts';
import type { Block } from './records.ts';

/** A registered block kind: how its MLP treats the tokens. */
export interface BlockDefinition {
  /** h [B, T, D] (normalised, cls first) -> MLP output [B, T, D]. */
  mlp<V>(ops: ModelOps<V>, block: Block, h: V, tokens: number, scope: string): V;
}

// fc1 -> GELU -> dropout -> fc2 on [..., D].
function hiddenMlp<V>(ops: ModelOps<V>, block: Block, h: V, scope: string): V {
  const hidden = ops.dropout(ops.gelu(linear(ops, block.fc1, h, `${scope}.fc1`), `${scope}/gelu`), block.dropout, `${scope}/dropout`);
  return linear(ops, block.fc2, hidden, `${scope}.fc2`);
}

/** The block kinds, keyed by recipe name. */
export const blockRegistry: Record<BlockKind, BlockDefinition> = {
  'cvt-pointwise': {
    mlp(ops, block, h, tokens, scope) {
      const grid = hiddenMlp(ops, block, ops.slice(h, 1, 1, tokens, `${scope}/grid_tokens`), scope);
      return ops.concat([ops.slice(h, 1, 0, 1, `${scope}/cls`), grid], 1, `${scope}/out`);
    },
  },
  'cvt-mlp': {
    mlp(ops, block, h, _tokens, scope) {
      return ops.dropout(hiddenMlp(ops, block, h, scope), block.dropout, `${scope}/out_dropout`);
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
export function block<V>(ops: ModelOps<V>, layer: Block, x: V, rows: number, cols: number, scope: string): V {
  const attended = ops.add(x, attention(ops, layer.attention, layerNorm(ops, layer.norm1, x, `${scope}.norm1`), rows, cols, `${scope}.attn`), `${scope}/residual1`);
  const mixed = blockRegistry[layer.kind].mlp(ops, layer, layerNorm(ops, layer.norm2, attended, `${scope}.norm2`), 1 + rows * cols, `${scope}.mlp`);
  return ops.add(attended, mixed, `${scope}/residual2`);
}
