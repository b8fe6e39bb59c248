// A held-out training video as the validation split sees it: the clean video with the recipe's own synthetic
// anomalies pasted over a few disjoint stretches of frames, with exact masks and frame labels. Each stretch is one
// draw of the generator (derived from validation.seed, the video's name and the stretch), asked at every frame of
// the stretch for that frame's offset from the stretch's middle, so one object moves along one path through it.
// Nothing is random at scoring time: the same seed gives the same frames, masks and labels.
import type { ValidationPlan } from '@vadc/dsl';
import { Random } from '../../random.ts';
import type { AnomalyGenerator } from '../anomalies/types.ts';
import { absoluteDifference, motionNeighbours } from '../pipeline/frames.ts';
import type { FrameStore, VideoFrames } from '../pipeline/video-frames.ts';
import type { VideoTruth } from '../types.ts';

/** One anomalous stretch of a held-out video: frames first..last (inclusive), pasted around `middle`. */
export interface AnomalyStretch {
  first: number;
  last: number;
  middle: number;
  /** Label of the stretch's generator draw (Random.derive(seed, label)). */
  label: string;
}

/**
 * How a held-out video is made abnormal (validation.anomalies): `stretches` (the default), `whole` (abnormal in
 * every frame) or `normal` (left as it is).
 */
export type HeldOutLayout = 'stretches' | 'whole' | 'normal';

/**
 * The layout of the held-out video at `position` of `count` in held-out order: the first `whole` are abnormal
 * throughout, the next `normal` stay normal, the rest get stretches. A single held-out video always gets stretches
 * (alone, a video of one class has no frame AUC), and the last one does when every other is normal.
 */
export function heldOutLayout(position: number, count: number, anomalies: ValidationPlan['anomalies']): HeldOutLayout {
  if (count < 2) return 'stretches';
  const whole = Math.min(anomalies.whole ?? 0, count);
  const normal = Math.min(anomalies.normal ?? 0, count - whole);
  if (whole === 0 && normal >= count - 1 && position === count - 1) return 'stretches';
  return position < whole ? 'whole' : position < whole + normal ? 'normal' : 'stretches';
}

/**
 * The anomalous stretches of a video of `frameCount` frames: the video is cut into `intervals` equal segments and
 * each gets one stretch of a share in `length` of the video (at least one frame, at most its segment), placed at a
 * seeded position inside its segment, so stretches never overlap. Layout `whole`: the stretches tile the video,
 * each as long as `length`'s upper share (so the video is abnormal wherever an object is in view); `normal`: none.
 */
export function anomalyStretches(frameCount: number, anomalies: ValidationPlan['anomalies'], seed: number, video: string, layout: HeldOutLayout = 'stretches'): AnomalyStretch[] {
  const stretches: AnomalyStretch[] = [];
  if (layout === 'normal') return stretches;
  if (layout === 'whole') {
    const length = Math.max(1, Math.round(anomalies.length[1] * frameCount));
    for (let first = 0, index = 0; first < frameCount; first += length, index++) {
      const last = Math.min(frameCount - 1, first + length - 1);
      stretches.push({ first, last, middle: Math.floor((first + last) / 2), label: `validation/${video}/whole-${index}` });
    }
    return stretches;
  }
  const random = Random.derive(seed, `validation/${video}/stretches`);
  const segment = Math.floor(frameCount / anomalies.intervals);
  for (let index = 0; index < anomalies.intervals && segment > 0; index++) {
    const length = Math.max(1, Math.min(segment, Math.round(random.uniform(anomalies.length[0], anomalies.length[1]) * frameCount)));
    const first = index * segment + random.integer(0, segment - length);
    const last = first + length - 1;
    stretches.push({ first, last, middle: Math.floor((first + last) / 2), label: `validation/${video}/anomaly-${index}` });
  }
  return stretches;
}

/** A held-out video with pasted anomalies: model-size frames, motion of the pasted frames, and its exact truth. */
export class PastedVideo implements FrameStore {
  private readonly stretchOf: Array<AnomalyStretch | undefined>;

  private constructor(
    private readonly clean: VideoFrames,
    private readonly generator: AnomalyGenerator,
    private readonly seed: number,
    private readonly size: [number, number],
    private readonly step: number,
    stretches: readonly AnomalyStretch[],
    /** Frame labels and masks (model resolution), computed once when the video is built. */
    readonly truth: VideoTruth,
  ) {
    this.stretchOf = Array.from({ length: clean.video.frameCount }, (_, frame) => stretches.find((stretch) => frame >= stretch.first && frame <= stretch.last));
  }

  /** Builds the pasted video of `clean` (one paste per anomalous frame, to learn the masks and labels). */
  static async build(clean: VideoFrames, generator: AnomalyGenerator, validation: ValidationPlan, size: [number, number], step: number, layout: HeldOutLayout = 'stretches'): Promise<PastedVideo> {
    const stretches = anomalyStretches(clean.video.frameCount, validation.anomalies, validation.seed, clean.video.name, layout);
    const labels = new Array<number>(clean.video.frameCount).fill(0);
    const masks = new Map<number, Uint8Array>();
    const video = new PastedVideo(clean, generator, validation.seed, size, step, stretches, { labels, resolution: size, masks, regions: null });
    for (const stretch of stretches) {
      for (let frame = stretch.first; frame <= stretch.last; frame++) {
        const pasted = await video.paste(frame);
        // A frame is abnormal when the object is visible in it (a fast object may leave the frame before the end).
        if (pasted !== null && pasted.mask.some((value) => value === 1)) {
          labels[frame] = 1;
          masks.set(frame, pasted.mask);
        }
      }
    }
    return video;
  }

  get video(): { name: string; frameCount: number } {
    return { name: this.clean.video.name, frameCount: this.clean.video.frameCount };
  }

  /** Frame `index` at model size, with the stretch's object pasted in when it lies in one. */
  async resized(index: number): Promise<Uint8Array> {
    const pasted = await this.paste(index);
    return pasted?.frame ?? this.clean.resized(index);
  }

  /** Motion gradients: the clean video's, or |f(t - step) - f(t + step)| of the pasted frames near a stretch. */
  async motion(index: number): Promise<Uint8Array> {
    const [previous, next] = motionNeighbours(index, this.step, this.clean.video.frameCount);
    if (this.stretchOf[previous] === undefined && this.stretchOf[next] === undefined) return this.clean.motion(index);
    const [before, after] = await Promise.all([this.resized(previous), this.resized(next)]);
    return absoluteDifference(before, after);
  }

  /** The stretch's draw pasted at frame `index`, or null outside stretches (or when the generator pastes nothing). */
  private async paste(index: number): Promise<{ frame: Uint8Array; mask: Uint8Array } | null> {
    const stretch = this.stretchOf[index];
    if (stretch === undefined) return null;
    const offset = index - stretch.middle;
    const [height, width] = this.size;
    const result = await this.generator.paste({
      frames: [await this.clean.resized(index)], offsets: [offset], maskOffset: offset, height, width,
      random: Random.derive(this.seed, stretch.label), videoIndex: -1,
    });
    return result === null ? null : { frame: result.frames[0] as Uint8Array, mask: result.mask };
  }
}
