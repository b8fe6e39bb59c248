// `validation.generator: replay` (issue 24): a held-out training video made abnormal by its own objects moving
// wrongly, with no foreign appearance pasted in. Real anomalies in surveillance footage are mostly real things that
// move wrongly (too fast, backwards, off the path people take), while pasted shapes teach a model, and a validation
// built from pastes rewards, finding pastes. In each anomalous stretch one moving object of the video (a connected
// region differing from the clip's median background) is tracked, taken out of its true place (filled with the
// background) and drawn where a wrong motion puts it:
//   fast     - at frame i it is where it really is at first + s * (i - first), s in [2.5, 4];
//   reverse  - the stretch's track played backwards;
//   off-path - its true appearance at frame i, displaced by a drift growing with time (1.5-3 px per frame).
// A frame is labelled abnormal where the replayed object is in view and lies at least 2 px from where it really is.
// Everything is drawn from (validation.seed, video name, stretch): the same seed gives the same frames and labels.
import type { ValidationPlan } from '@vadc/dsl';
import { Random } from '../../random.ts';
import { components } from '../anomalies/foreground.ts';
import { absoluteDifference, motionNeighbours } from '../pipeline/frames.ts';
import type { FrameStore, VideoFrames } from '../pipeline/video-frames.ts';
import type { VideoTruth } from '../types.ts';
import { anomalyStretches, type AnomalyStretch, type HeldOutLayout } from './pasted-video.ts';

/** The wrong motions a stretch may replay its object with. */
export const REPLAY_MODES = ['fast', 'reverse', 'off-path'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/** Frames sampled for the median background. */
const BACKGROUND_SAMPLES = 31;
/** Grey-level difference from the background above which a pixel belongs to a moving object. */
const FOREGROUND_THRESHOLD = 25;
/** Smallest object (pixels at model size) worth replaying, as a share of the frame (and at least 12 pixels). */
const MIN_OBJECT_SHARE = 0.001;
/** Displacement (px) from the object's true place below which a replayed frame still counts as normal. */
const MIN_DISPLACEMENT = 2;

/** One stretch's replay: the object's mask per source frame and where each output frame takes it from. */
interface StretchReplay {
  stretch: AnomalyStretch;
  mode: ReplayMode;
  /** Object pixels (offsets into H x W) per tracked frame. */
  track: Map<number, Int32Array>;
  /** Source frame and displacement (rows, cols) of output frame i. */
  source(i: number): { frame: number; dy: number; dx: number };
}

/** The per-pixel median over frames sampled across the video: the clip's background at model size. */
async function medianBackground(clean: VideoFrames): Promise<Uint8Array> {
  const count = clean.video.frameCount;
  const samples = Math.min(count, BACKGROUND_SAMPLES);
  const frames: Uint8Array[] = [];
  for (let k = 0; k < samples; k++) frames.push(await clean.resized(Math.floor((k * (count - 1)) / Math.max(1, samples - 1))));
  const background = new Uint8Array((frames[0] as Uint8Array).length);
  const column = new Uint8Array(samples);
  for (let value = 0; value < background.length; value++) {
    for (let k = 0; k < samples; k++) column[k] = (frames[k] as Uint8Array)[value] as number;
    column.sort();
    background[value] = column[samples >> 1] as number;
  }
  return background;
}

/** Object pixels of a frame: channel-max difference from the background above the threshold. */
function foreground(frame: Uint8Array, background: Uint8Array, pixels: number): Uint8Array {
  const mask = new Uint8Array(pixels);
  for (let pixel = 0; pixel < pixels; pixel++) {
    let difference = 0;
    for (let channel = 0; channel < 3; channel++) difference = Math.max(difference, Math.abs((frame[pixel * 3 + channel] as number) - (background[pixel * 3 + channel] as number)));
    if (difference > FOREGROUND_THRESHOLD) mask[pixel] = 1;
  }
  return mask;
}

function centroid(pixels: ArrayLike<number>, width: number): [number, number] {
  let y = 0, x = 0;
  for (let k = 0; k < pixels.length; k++) {
    y += Math.floor((pixels[k] as number) / width);
    x += (pixels[k] as number) % width;
  }
  return [y / Math.max(1, pixels.length), x / Math.max(1, pixels.length)];
}

/** A held-out video whose own objects move wrongly in its stretches (see the file comment). */
export class ReplayedVideo implements FrameStore {
  private readonly replayOf: Array<StretchReplay | undefined>;

  private constructor(
    private readonly clean: VideoFrames,
    private readonly background: Uint8Array,
    private readonly size: [number, number],
    private readonly step: number,
    replays: readonly StretchReplay[],
    /** Frame labels and masks (model resolution). */
    readonly truth: VideoTruth,
  ) {
    this.replayOf = Array.from({ length: clean.video.frameCount }, (_, frame) => replays.find((replay) => frame >= replay.stretch.first && frame <= replay.stretch.last));
  }

  /** Builds the replayed video of `clean`: background, one tracked object per stretch, labels and masks. */
  static async build(clean: VideoFrames, validation: ValidationPlan, size: [number, number], step: number, layout: HeldOutLayout = 'stretches'): Promise<ReplayedVideo> {
    const [height, width] = size;
    const frameCount = clean.video.frameCount;
    const background = await medianBackground(clean);
    const stretches = anomalyStretches(frameCount, validation.anomalies, validation.seed, clean.video.name, layout);
    const masks = new Map<number, Uint8Array>();
    const labels = new Array<number>(frameCount).fill(0);
    const replays: StretchReplay[] = [];
    const objectsAt = new Map<number, number[][]>();
    const objects = async (frame: number): Promise<number[][]> => {
      let found = objectsAt.get(frame);
      if (found === undefined) {
        const minimum = Math.max(12, MIN_OBJECT_SHARE * height * width);
        found = components(foreground(await clean.resized(frame), background, height * width), height, width).filter((pixels) => pixels.length >= minimum && pixels.length <= 0.25 * height * width);
        objectsAt.set(frame, found);
      }
      return found;
    };
    for (const stretch of stretches) {
      const random = Random.derive(validation.seed, `${stretch.label}/replay`);
      const mode = REPLAY_MODES[random.integer(0, REPLAY_MODES.length - 1)] as ReplayMode;
      const speed = random.uniform(2.5, 4);
      const drift = random.uniform(1.5, 3);
      const angle = random.uniform(0, 2 * Math.PI);
      const length = stretch.last - stretch.first;
      const reach = mode === 'fast' ? Math.min(frameCount - 1, stretch.first + Math.ceil(speed * length)) : stretch.last;
      // The object: the largest one in view at the stretch's first frame, followed frame by frame by nearest centroid.
      const track = new Map<number, Int32Array>();
      let previous: [number, number] | null = null;
      for (let frame = stretch.first; frame <= reach; frame++) {
        const candidates = await objects(frame);
        let chosen: number[] | undefined;
        if (previous === null) chosen = candidates[0];
        else {
          let best = 0.15 * Math.max(height, width);
          for (const pixels of candidates) {
            const [y, x] = centroid(pixels, width);
            const distance = Math.hypot(y - previous[0], x - previous[1]);
            if (distance < best) [best, chosen] = [distance, pixels];
          }
        }
        if (chosen === undefined) {
          if (previous === null) continue; // nothing in view yet: the object may enter later
          break; // lost: the replay ends here
        }
        track.set(frame, Int32Array.from(chosen));
        previous = centroid(chosen, width);
      }
      const source = (i: number) => {
        const offset = i - stretch.first;
        if (mode === 'fast') return { frame: stretch.first + Math.round(speed * offset), dy: 0, dx: 0 };
        if (mode === 'reverse') return { frame: stretch.last - offset, dy: 0, dx: 0 };
        return { frame: i, dy: Math.round(Math.sin(angle) * drift * offset), dx: Math.round(Math.cos(angle) * drift * offset) };
      };
      const replay: StretchReplay = { stretch, mode, track, source };
      replays.push(replay);
      for (let frame = stretch.first; frame <= stretch.last; frame++) {
        const placed = placedObject(replay, frame, height, width);
        if (placed === null) continue;
        const truePlace = track.get(frame);
        const [py, px] = centroid(placed.pixels, width);
        const [ty, tx] = truePlace === undefined ? [Infinity, Infinity] : centroid(truePlace, width);
        const displaced = Math.hypot(py - ty, px - tx);
        if (displaced < MIN_DISPLACEMENT) continue;
        const mask = new Uint8Array(height * width);
        for (const pixel of placed.pixels) mask[pixel] = 1;
        labels[frame] = 1;
        masks.set(frame, mask);
      }
    }
    return new ReplayedVideo(clean, background, size, step, replays, { labels, resolution: size, masks, regions: null });
  }

  get video(): { name: string; frameCount: number } {
    return { name: this.clean.video.name, frameCount: this.clean.video.frameCount };
  }

  /** Frame `index` at model size: the object moved to its replayed place inside a stretch. */
  async resized(index: number): Promise<Uint8Array> {
    const replay = this.replayOf[index];
    const clean = await this.clean.resized(index);
    if (replay === undefined) return clean;
    const [height, width] = this.size;
    const placed = placedObject(replay, index, height, width);
    const truePlace = replay.track.get(index);
    if (placed === null && truePlace === undefined) return clean;
    const frame = Uint8Array.from(clean);
    // Take the object out of its true place, then draw it where the wrong motion puts it.
    if (truePlace !== undefined) for (const pixel of truePlace) frame.set(this.background.subarray(pixel * 3, pixel * 3 + 3), pixel * 3);
    if (placed !== null) {
      const source = await this.clean.resized(placed.from);
      placed.pixels.forEach((pixel, k) => frame.set(source.subarray((placed.sourcePixels[k] as number) * 3, (placed.sourcePixels[k] as number) * 3 + 3), pixel * 3));
    }
    return frame;
  }

  /** Motion gradients: the clean video's, or |f(t - step) - f(t + step)| of the replayed frames near a stretch. */
  async motion(index: number): Promise<Uint8Array> {
    const [previous, next] = motionNeighbours(index, this.step, this.clean.video.frameCount);
    if (this.replayOf[previous] === undefined && this.replayOf[next] === undefined && this.replayOf[index] === undefined) return this.clean.motion(index);
    const [before, after] = await Promise.all([this.resized(previous), this.resized(next)]);
    return absoluteDifference(before, after);
  }
}

/**
 * Where output frame `i` of a stretch draws its object: the tracked object's pixels of the source frame, moved by
 * the displacement and clipped to the frame (`pixels`: destinations, `sourcePixels`: where each comes from); null
 * where the source frame's object is not tracked (not yet in view, or lost).
 */
function placedObject(replay: StretchReplay, i: number, height: number, width: number): { from: number; pixels: number[]; sourcePixels: number[] } | null {
  const { frame, dy, dx } = replay.source(i);
  const object = replay.track.get(frame);
  if (object === undefined) return null;
  const pixels: number[] = [];
  const sourcePixels: number[] = [];
  for (const pixel of object) {
    const y = Math.floor(pixel / width) + dy;
    const x = (pixel % width) + dx;
    if (y < 0 || y >= height || x < 0 || x >= width) continue;
    pixels.push(y * width + x);
    sourcePixels.push(pixel);
  }
  return pixels.length === 0 ? null : { from: frame, pixels, sourcePixels };
}
