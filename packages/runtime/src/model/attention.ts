// CvT attention (model/cvt.py `Attention`): q, k, v are projected from the token grid by a registered projection
// (`model.*.qkv`), then each goes through a Linear; the cls token joins unprojected. Multi-head softmax attention
// with the official scale dim^-0.5 (the whole width, not the head width).
import type { QkvProjection } from '@vadc/dsl';
import { createBatchNorm, createLinear, linear, type LayerBuilder } from './layers.ts';
import type { ModelOps } from './ops.ts';
import type { Attention, GridProjectionWeights } from './records.ts';

/** A registered projection kind: its variables and what it does to the token grid. */
export interface ProjectionDefinition {
  /** The kind q gets when k and v get this one (the official `avg` pools only k and v). */
  query: QkvProjection;
  /** False when the kind leaves the tokens as they are (no grid at all). */
  onGrid: boolean;
  create(builder: LayerBuilder, name: string, dim: number): GridProjectionWeights;
  /** grid -> grid, in the engine's layout. */
  apply<V>(ops: ModelOps<V>, weights: GridProjectionWeights, grid: V, scope: string): V;
}

/** The projection kinds, keyed by recipe name. */
export const projectionRegistry: Record<QkvProjection, ProjectionDefinition> = {
  // Depthwise 3x3 conv without bias, then BatchNorm (the official model).
  'dwconv-bn': {
    query: 'dwconv-bn',
    onGrid: true,
    create: (builder, name, dim) => ({
      // PyTorch's default init has fan_in = 9 -> U(+-1/3).
      filter: builder.params.parameter(`${name}.conv.weight`, builder.part, [3, 3, dim, 1], { kind: 'uniform', bound: 1 / 3 }),
      norm: createBatchNorm(builder, `${name}.bn`, dim),
    }),
    apply(ops, weights, grid, scope) {
      if (weights.filter === undefined || weights.norm === undefined) throw new Error(`${scope}: dwconv-bn without its weights`);
      return ops.batchNorm(ops.depthwiseConv3x3(grid, ops.param(weights.filter), `${scope}/conv`), weights.norm, `${scope}.bn`);
    },
  },
  // 3x3 average pooling (zero padding counted, as PyTorch AvgPool2d) for k and v.
  avg: {
    query: 'linear',
    onGrid: true,
    create: () => ({}),
    apply: (ops, _weights, grid, scope) => ops.depthwiseConv3x3(grid, 'average', `${scope}/avg`),
  },
  // No spatial projection: the linears see the tokens as they are.
  linear: {
    query: 'linear',
    onGrid: false,
    create: () => ({}),
    apply: (_ops, _weights, grid) => grid,
  },
};

/** Creates an attention layer of width `dim` with `heads` heads. */
export function createAttention(builder: LayerBuilder, name: string, dim: number, heads: number, kind: QkvProjection): Attention {
  if (dim % heads !== 0) throw new Error(`${name}: width ${dim} is not a multiple of ${heads} heads`);
  const projection = { q: projectionRegistry[kind].query, k: kind, v: kind };
  return {
    dim,
    heads,
    projection,
    grid: {
      q: projectionRegistry[projection.q].create(builder, `${name}.conv_proj_q`, dim),
      k: projectionRegistry[kind].create(builder, `${name}.conv_proj_k`, dim),
      v: projectionRegistry[kind].create(builder, `${name}.conv_proj_v`, dim),
    },
    q: createLinear(builder, `${name}.proj_q`, dim, dim),
    k: createLinear(builder, `${name}.proj_k`, dim, dim),
    v: createLinear(builder, `${name}.proj_v`, dim, dim),
    output: createLinear(builder, `${name}.proj`, dim, dim),
  };
}

/** x [B, 1 + rows * cols, D] (cls token first) -> [B, 1 + rows * cols, D]. */
export function attention<V>(ops: ModelOps<V>, layer: Attention, x: V, rows: number, cols: number, scope: string): V {
  const tokens = 1 + rows * cols;
  const projected = { q: x, k: x, v: x };
  const kinds = ['q', 'k', 'v'] as const;
  if (kinds.some((name) => projectionRegistry[layer.projection[name]].onGrid)) {
    const cls = ops.slice(x, 1, 0, 1, `${scope}/cls`);
    const grid = ops.toGrid(ops.slice(x, 1, 1, tokens, `${scope}/grid_tokens`), rows, cols, `${scope}/grid`);
    for (const name of kinds) {
      const definition = projectionRegistry[layer.projection[name]];
      if (!definition.onGrid) continue;
      const out = definition.apply(ops, layer.grid[name], grid, `${scope}.conv_proj_${name}`);
      projected[name] = ops.concat([cls, ops.fromGrid(out, `${scope}/${name}_tokens`)], 1, `${scope}/${name}_with_cls`);
    }
  }
  const q = linear(ops, layer.q, projected.q, `${scope}.proj_q`);
  const k = linear(ops, layer.k, projected.k, `${scope}.proj_k`);
  const v = linear(ops, layer.v, projected.v, `${scope}.proj_v`);
  return linear(ops, layer.output, ops.attention(q, k, v, layer.heads, layer.dim ** -0.5, `${scope}/attention`), `${scope}.proj`);
}
