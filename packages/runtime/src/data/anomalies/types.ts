// The contract of a synthetic anomaly generator: given the clean context frames of a training sample, paste a
// foreign object that moves consistently over those frames and return the augmented frames and the object's mask
// at the current frame t (the model's 4th target channel). The clean target frame is the caller's (unchanged) copy.
import type { SyntheticAnomaliesPlan } from '@vadc/dsl';
import type { Random } from '../../random.ts';

/** One training sample's frames, as the generator receives them. */
export interface PasteRequest {
  /** Context frames at model size, height x width x 3 uint8, in plan.data.context order. Never modified. */
  frames: readonly Uint8Array[];
  /** Time offset of each frame from t, in frames (0 where the video's end made it repeat frame t). */
  offsets: readonly number[];
  height: number;
  width: number;
  /** The sample's own generator (derived per sample, so results do not depend on prefetch order). */
  random: Random;
  /** Index of the sample's training video in the dataset (generators drawing from other clips avoid it); -1: none. */
  videoIndex: number;
  /**
   * The offset whose mask is returned (default 0, frame t). Validation pastes one object over a whole stretch of a
   * held-out video by asking, at each frame, for the same draw at that frame's offset from the stretch's middle.
   */
  maskOffset?: number;
}

/** The augmented sample. */
export interface PasteResult {
  /** Augmented context frames (new arrays), same order and sizes as the request's. */
  frames: Uint8Array[];
  /** [height * width] 0/1: the pasted object's pixels at frame t (at the request's maskOffset). */
  mask: Uint8Array;
}

/** A named generator of synthetic anomalies. */
export interface AnomalyGenerator {
  readonly name: SyntheticAnomaliesPlan['generator'];
  /** Pastes an object; null when the generator found nothing to paste this time (the sample stays normal). */
  paste(request: PasteRequest): Promise<PasteResult | null>;
}

/** A foreground donor: one frame of another training clip with its motion gradients, at model size. */
export interface DonorFrame {
  /** height x width x 3 uint8. */
  frame: Uint8Array;
  /** height x width x 3 uint8 motion gradients of that frame. */
  motion: Uint8Array;
}

/** Where the `foreground` generator gets its donors: a random frame of a training video other than `exclude`. */
export type DonorSource = (random: Random, exclude: number) => Promise<DonorFrame | null>;

/** What a generator factory receives. */
export interface GeneratorContext {
  options: SyntheticAnomaliesPlan['options'];
  /** Model input size [height, width]. */
  size: [number, number];
  /** Training-clip donors (needed by `foreground`), null when none are available. */
  donors: DonorSource | null;
}
