// Test-time masks (issue 24 point 3). The official inference masks mask_ratio of the tokens at random at test time,
// so a frame's score depends on the draw. vadc draws each frame's mask from runtime.seed and the frame's position in
// its input (frame index), never from the input's name or transport: a file, an HTTP stream, stdin and a renamed
// copy of the same frames get the same masks, hence the same scores and events. Batching changes nothing (each
// sample has its own generator). A frame may be scored under several masks (plan.scoring.test_masks): independent
// draws, or `complementary` passes that hide consecutive slices of one token order, so every patch is hidden once.
import type { TestMasksPlan } from '@vadc/dsl';
import type { TestBatch } from '../data/types.ts';
import { Random } from '../random.ts';
import type { MaskedAutoencoder } from './autoencoder.ts';
import { createTokenMask, keptTokenCount, maskingRegistry, type MaskingStrategy, type TokenMask } from './masking.ts';
import { patchMotion } from './patches.ts';

/** One test-time mask of a frame: pass `index` of plan.scoring.test_masks. */
export interface TestMaskPass {
  index: number;
  complementary: boolean;
  /** Masks given instead of drawn (score/given-test-masks.ts): frame index -> its kept patches, in encoder order. */
  given?: (frame: number) => ArrayLike<number>;
}

/** The first (or only) pass: what one-mask scoring uses. */
export const FIRST_PASS: TestMaskPass = { index: 0, complementary: false };

/** plan.scoring.test_masks, with the one-mask default for plans written before the key existed. */
export function testMasksOf(scoring: { test_masks?: TestMasksPlan }): TestMasksPlan {
  return scoring.test_masks ?? { count: 1, complementary: false };
}

/** The passes a frame is scored with under `masks`. */
export function testMaskPasses(masks: TestMasksPlan): TestMaskPass[] {
  return Array.from({ length: masks.count }, (_, index) => ({ index, complementary: masks.complementary }));
}

/**
 * The labels (Random.derive) of a frame's token order, `{frame}` and `{pass}` filled in: pass 0 and complementary
 * passes share the first, other independent passes use the second (a model package states them).
 */
export const TEST_MASK_LABELS = { shared: 'score/frame-{frame}', independent: 'score/frame-{frame}/pass-{pass}' } as const;

/** The generator of frame `frame`'s token order under `pass` (TEST_MASK_LABELS). */
function frameRandom(seed: number, frame: number, pass: TestMaskPass): Random {
  const template = pass.complementary || pass.index === 0 ? TEST_MASK_LABELS.shared : TEST_MASK_LABELS.independent;
  return Random.derive(seed, template.replace('{frame}', String(frame)).replace('{pass}', String(pass.index)));
}

/** `strategy`'s order rotated left by `shift`: its first K tokens are then the ones after the slice hidden before. */
function rotated(strategy: MaskingStrategy, shift: number): MaskingStrategy {
  return {
    order(input, sample) {
      const order = strategy.order(input, sample);
      const by = shift % order.length;
      return by === 0 ? order : [...order.slice(by), ...order.slice(0, by)];
    },
  };
}

/** Given masks as a strategy: the frame's kept patches in their order, then the hidden ones in ascending order. */
function givenOrder(given: (frame: number) => ArrayLike<number>, batch: TestBatch): MaskingStrategy {
  return {
    order(input, sample) {
      const kept = Array.from(given(batch.frames[sample] ?? sample));
      const keptSet = new Set(kept);
      const hidden = Array.from({ length: input.grid.rows * input.grid.cols }, (_, token) => token).filter((token) => !keptSet.has(token));
      return [...kept, ...hidden];
    },
  };
}

/**
 * The test-time mask of a batch for one pass: per sample, the masking strategy's order drawn from
 * (seed, frame index[, pass]); a complementary pass k rotates one order by k x (tokens hidden), so the passes hide
 * consecutive slices of it. The `motion` strategy draws nothing: every pass is its deterministic order.
 */
export function testTimeMask(model: Pick<MaskedAutoencoder, 'grid' | 'masking'>, batch: TestBatch, seed: number, ratio: number, pass: TestMaskPass = FIRST_PASS): TokenMask {
  if (pass.given !== undefined) return createTokenMask(givenOrder(pass.given, batch), { grid: model.grid, batch: batch.size, motion: null, random: new Random(seed) }, ratio);
  const name = model.masking.strategy;
  const hiddenTokens = model.grid.rows * model.grid.cols - keptTokenCount(model.grid, ratio);
  const strategy = pass.complementary && pass.index > 0 ? rotated(maskingRegistry[name], pass.index * hiddenTokens) : maskingRegistry[name];
  return createTokenMask(strategy, {
    grid: model.grid,
    batch: batch.size,
    motion: name === 'motion' ? patchMotion(batch.motion, batch.size, model.grid, 'max') : null,
    random: new Random(seed),
    randomForSample: (sample) => frameRandom(seed, batch.frames[sample] ?? sample, pass),
  }, ratio);
}
