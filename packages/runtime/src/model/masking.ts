// Which patch tokens the encoder sees, registered by the names recipes use (`masking.strategy`):
// `random` (the official random_masking: argsort of uniform noise) and `motion` (grad_masking_v1: argsort of the
// per-patch max motion, so the tokens with least motion are kept and the moving ones hidden).
// As in the official code the kept tokens stay in that sorted order and the encoder treats them as a grid of
// rows x (kept / rows) (its depthwise convs run over that grid). Indices are flat over [B * L] so gathers never need
// batchDims (wasm's GatherV2 with batchDims = 1 is wrong, see docs/tfjs-notes.md, "The wasm backend's gaps").
import type { Random } from '../random.ts';
import type { PatchGrid } from './patches.ts';

/** The mask of one batch, with the gather indices the model needs. */
export interface TokenMask {
  batch: number;
  /** L: patches per frame. */
  tokens: number;
  /** K: kept (visible) tokens per frame. */
  keep: number;
  /** The encoder's grid of kept tokens: rows x cols = K. */
  rows: number;
  cols: number;
  /** [B * K]: flat index b * L + l of each kept token, in kept order. */
  keepIndex: Int32Array;
  /** [B * L]: where token (b, l) is found in [kept tokens B * K ; mask tokens B * (L - K)]. */
  restoreIndex: Int32Array;
  /** [B * L]: 1 where the token is hidden from the encoder, else 0. */
  hidden: Float32Array;
}

/** What a strategy may look at. */
export interface MaskingInput {
  grid: PatchGrid;
  batch: number;
  /** [B, L] per-patch motion (channel max of max-pooled gradients); needed by `motion`. */
  motion: Float32Array | null;
  random: Random;
  /** When set, sample b draws from its own generator (test-time masks that do not depend on batching). */
  randomForSample?: (sample: number) => Random;
}

/** A registered strategy: per sample, the token order whose first K are kept. */
export interface MaskingStrategy {
  order(input: MaskingInput, sample: number): number[];
}

function argsort(keys: Float64Array | Float32Array): number[] {
  // Ties go to the lower index, so the order is the same on every machine.
  return Array.from(keys, (_, index) => index).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
}

/** The masking strategies, keyed by recipe name. */
export const maskingRegistry: Record<'random' | 'motion', MaskingStrategy> = {
  random: {
    order(input, sample) {
      const tokens = input.grid.rows * input.grid.cols;
      const random = input.randomForSample?.(sample) ?? input.random;
      const noise = new Float64Array(tokens);
      for (let index = 0; index < tokens; index++) noise[index] = random.next();
      return argsort(noise);
    },
  },
  motion: {
    order(input, sample) {
      if (input.motion === null) throw new Error('motion masking needs per-patch motion');
      const tokens = input.grid.rows * input.grid.cols;
      return argsort(input.motion.subarray(sample * tokens, (sample + 1) * tokens));
    },
  },
};

/** Columns of the kept-token grid: floor(cols * (1 - ratio)), at least 1 (official masked_W). */
function keptColumns(grid: PatchGrid, ratio: number): number {
  return Math.max(1, Math.floor(grid.cols * (1 - ratio) + 1e-9));
}

/** K: tokens the encoder sees at `ratio`, rows * keptColumns, so the kept tokens form a grid. */
export function keptTokenCount(grid: PatchGrid, ratio: number): number {
  return grid.rows * keptColumns(grid, ratio);
}

/** Draws a batch's mask; K = keptTokenCount(grid, ratio). */
export function createTokenMask(strategy: MaskingStrategy, input: MaskingInput, ratio: number): TokenMask {
  const { rows, cols } = input.grid;
  const tokens = rows * cols;
  const keptCols = keptColumns(input.grid, ratio);
  const keep = rows * keptCols;
  const batch = input.batch;
  const keepIndex = new Int32Array(batch * keep);
  const restoreIndex = new Int32Array(batch * tokens);
  const hidden = new Float32Array(batch * tokens);
  for (let b = 0; b < batch; b++) {
    const order = strategy.order(input, b);
    order.forEach((token, rank) => {
      if (rank < keep) {
        keepIndex[b * keep + rank] = b * tokens + token;
        restoreIndex[b * tokens + token] = b * keep + rank;
      } else {
        restoreIndex[b * tokens + token] = batch * keep + b * (tokens - keep) + (rank - keep);
        hidden[b * tokens + token] = 1;
      }
    });
  }
  return { batch, tokens, keep, rows, cols: keptCols, keepIndex, restoreIndex, hidden };
}
