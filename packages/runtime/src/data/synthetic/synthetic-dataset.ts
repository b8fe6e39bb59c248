// The built-in synthetic benchmark (`dataset: synthetic`): surveillance-like greyscale videos generated on demand.
// Frame i of a video depends only on (seed, video, i), so frames can be read in any order; ground truth (labels,
// masks, regions with track ids) is exact because it is rasterised from the same actors that are drawn.
import type { SyntheticDataPlan } from '@vadc/dsl';
import { Random } from '../../random.ts';
import type { DatasetSource, VideoSource, VideoTruth } from '../types.ts';
import { actorShapes, rasterizeAnomaly, type Actor } from './actors.ts';
import { buildScene, type Scene } from './background.ts';
import { videoActors, type SyntheticAnomalyKind, type TestVideoLayout } from './scenario.ts';
import { drawShapes } from './shapes.ts';

/** Per-pixel sensor noise amplitude (uniform, grey levels) and per-frame global flicker amplitude. */
const NOISE = 7;
const FLICKER = 2.5;

/** Anomaly events per test video: one per ~100 frames, 1 to 3. */
function eventCount(frames: number): number {
  return Math.max(1, Math.min(3, Math.round(frames / 100)));
}

function drawOrder(actors: Actor[]): Actor[] {
  // Normal people first (farther = higher on screen first), anomalies last so their masks are fully visible.
  return [...actors].sort((a, b) => Number(a.trackId > 0) - Number(b.trackId > 0) || a.path.y - b.path.y);
}

/** Renders frame `index` of a video: background, actors, sensor noise; returns interleaved RGB uint8. */
export function renderFrame(scene: Scene, actors: Actor[], seed: number, label: string, index: number): Uint8Array {
  const { height, width } = scene;
  const pixels = new Float32Array(scene.background);
  for (const actor of actors) {
    const shapes = actorShapes(actor, index);
    if (shapes !== null) drawShapes({ height, width, pixels }, shapes);
  }
  const random = Random.derive(seed, `synthetic/${label}/frame-${index}`);
  const flicker = random.uniform(-FLICKER, FLICKER);
  const rgb = new Uint8Array(height * width * 3);
  for (let offset = 0; offset < pixels.length; offset++) {
    const value = (pixels[offset] as number) + flicker + random.uniform(-NOISE, NOISE);
    const level = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    rgb[offset * 3] = level;
    rgb[offset * 3 + 1] = level;
    rgb[offset * 3 + 2] = level;
  }
  return rgb;
}

/** Exact ground truth of a video: masks of the actors anomalous in each frame, one region per anomalous actor. */
export function actorTruth(scene: Scene, actors: Actor[], frames: number): VideoTruth {
  const { height, width } = scene;
  const empty = new Uint8Array(height * width);
  const labels: number[] = [];
  const masks = new Map<number, Uint8Array>();
  const regions: NonNullable<VideoTruth['regions']> = new Map();
  const own = new Uint8Array(height * width);
  for (let frame = 0; frame < frames; frame++) {
    let mask: Uint8Array | null = null;
    const boxes: Array<{ trackId: number; box: [number, number, number, number] }> = [];
    for (const actor of actors) {
      if (!rasterizeAnomaly(actor, frame, height, width, own)) continue;
      const box = maskBox(own, height, width);
      if (box === null) continue;
      mask ??= new Uint8Array(height * width);
      for (let offset = 0; offset < own.length; offset++) if (own[offset] === 1) mask[offset] = 1;
      boxes.push({ trackId: actor.trackId, box });
    }
    labels.push(mask === null ? 0 : 1);
    // Normal frames share one all-zero mask (read-only by contract) to keep the truth small.
    masks.set(frame, mask ?? empty);
    regions.set(frame, boxes);
  }
  return { labels, resolution: [height, width], masks, regions };
}

/** Inclusive bounding box [x1, y1, x2, y2] of the 1s in a mask, or null when it is empty. */
export function maskBox(mask: Uint8Array, height: number, width: number): [number, number, number, number] | null {
  let x1 = width;
  let y1 = height;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 1) continue;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
  }
  return x2 < 0 ? null : [x1, y1, x2, y2];
}

function syntheticVideo(plan: SyntheticDataPlan, scene: Scene, label: string, kinds: SyntheticAnomalyKind[], layout: TestVideoLayout = 'events', index = 0): VideoSource {
  const actors = drawOrder(videoActors(plan.seed, label, scene, plan, kinds, layout, index));
  // Truth is rasterised on first access (a getter), so listing a dataset stays cheap.
  let truth: VideoTruth | null | undefined;
  return {
    name: label,
    frameCount: plan.frames,
    resolution: [scene.height, scene.width],
    readFrame: async (index: number) => {
      if (!Number.isInteger(index) || index < 0 || index >= plan.frames) {
        throw new RangeError(`frame ${index} is outside video ${label} (0..${plan.frames - 1})`);
      }
      return renderFrame(scene, actors, plan.seed, label, index);
    },
    get truth(): VideoTruth | null {
      truth ??= kinds.length === 0 ? null : actorTruth(scene, actors, plan.frames);
      return truth;
    },
  };
}

/** The layout of test video `index`: the last `abnormal_throughout` ones throughout, the `brief` ones just before them. */
function testLayout(plan: SyntheticDataPlan, index: number): TestVideoLayout {
  const throughout = plan.abnormal_throughout ?? 0;
  const brief = plan.brief ?? 0;
  if (index >= plan.test_videos - throughout) return 'throughout';
  if (index >= plan.test_videos - throughout - brief) return 'brief';
  return 'events';
}

/**
 * The synthetic benchmark as a dataset: `train_videos` normal videos and `test_videos` videos with anomalies, video i
 * of each split filmed in scene i mod `scenes`.
 */
export function syntheticDataset(plan: SyntheticDataPlan): DatasetSource {
  const [height, width] = plan.resolution;
  const scenes = Array.from({ length: plan.scenes ?? 1 }, (_, index) => buildScene(plan.seed, height, width, index));
  const sceneOf = (index: number) => scenes[index % scenes.length] as Scene;
  const pad = (index: number) => String(index + 1).padStart(3, '0');
  const train = Array.from({ length: plan.train_videos }, (_, index) => syntheticVideo(plan, sceneOf(index), `train-${pad(index)}`, []));
  const events = eventCount(plan.frames);
  const test = Array.from({ length: plan.test_videos }, (_, index) => {
    // Rotate through the recipe's kinds so every kind appears once there are enough events.
    const kinds = Array.from({ length: events }, (_, event) => plan.anomalies[(index * events + event) % plan.anomalies.length] as SyntheticAnomalyKind);
    const layout = testLayout(plan, index);
    // A throughout video cycles through every kind, starting where its events would have.
    const videoKinds = layout === 'throughout' ? [...plan.anomalies.slice(index % plan.anomalies.length), ...plan.anomalies.slice(0, index % plan.anomalies.length)] : kinds;
    return syntheticVideo(plan, sceneOf(index), `test-${pad(index)}`, plan.anomalies.length === 0 ? [] : videoKinds, layout, index);
  });
  return { train, validation: [], test };
}
