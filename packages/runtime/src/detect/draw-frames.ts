// Annotated frames of a scored input: abnormal frames (the operating threshold's decision) get a red border and a
// red box around each patch-map region above the map threshold; normal frames are left as they are. Written as PNGs
// (frames/<frame>.png), as an H.264 MP4 with the bundled ffmpeg, or both; regions.json lists the boxes.
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { regionsFromMap, type MapRegion } from '@vadc/metrics';
import { openVideoEncoder } from '../data/formats/video.ts';
import { type VideoSource } from '../data/types.ts';
import { encodePng } from '../report/png.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run-folder/files.ts';
import type { ScoredInput } from './score-input.ts';

/** A box, inclusive [x1, y1, x2, y2] at native resolution, with its region's highest map value. */
export interface DrawnBox {
  box: [number, number, number, number];
  score: number;
}

/** The value below which `fraction` of `values` lie (nearest rank). */
export function percentile(values: Float32Array, fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** A region's inclusive patch box [x1, y1, x2, y2] as an inclusive pixel box of a native frame. */
function nativeBox(region: MapRegion, patch: number, scaleX: number, scaleY: number, width: number, height: number): [number, number, number, number] {
  const [x1, y1, x2, y2] = region.box;
  return [
    Math.floor(x1 * patch * scaleX), Math.floor(y1 * patch * scaleY),
    Math.min(width - 1, Math.ceil((x2 + 1) * patch * scaleX) - 1), Math.min(height - 1, Math.ceil((y2 + 1) * patch * scaleY) - 1),
  ];
}

/** Draws box outlines (red, `thickness` pixels) into interleaved RGB. */
export function drawBoxes(rgb: Uint8Array, width: number, height: number, boxes: ReadonlyArray<readonly [number, number, number, number]>, thickness: number): void {
  const paint = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.set([255, 0, 0], (y * width + x) * 3);
  };
  for (const [x1, y1, x2, y2] of boxes) {
    for (let t = 0; t < thickness; t++) {
      for (let x = x1; x <= x2; x++) {
        paint(x, y1 + t);
        paint(x, y2 - t);
      }
      for (let y = y1; y <= y2; y++) {
        paint(x1 + t, y);
        paint(x2 - t, y);
      }
    }
  }
}

/** Where and how to draw. */
export interface DrawOptions {
  outDir: string;
  /** Patch-map value above which regions are boxed in abnormal frames. */
  mapThreshold: number;
  /** Write frames/<frame>.png. */
  pngs: boolean;
  /** Write this MP4 file (H.264), at `fps`. */
  mp4: string | null;
  fps: number;
}

/** Draws every frame of `video` by `scored.decisions`; returns the number of boxes drawn. */
export async function drawFrames(video: VideoSource, scored: ScoredInput, plan: Plan, options: DrawOptions): Promise<number> {
  const decisions = scored.decisions;
  if (decisions === null) throw new Error('drawing needs frame decisions (a threshold)');
  const [height, width] = video.resolution;
  const { rows, cols, patchMaps } = scored.scores;
  const scaleX = width / plan.data.size[1];
  const scaleY = height / plan.data.size[0];
  const thickness = Math.max(1, Math.round(Math.min(width, height) / 120));
  const digits = Math.max(4, String(video.frameCount - 1).length);
  const encoder = options.mp4 === null ? null : openVideoEncoder(options.mp4, video.resolution, options.fps);
  const frames: Array<{ frame: number; abnormal: boolean; boxes: DrawnBox[] }> = [];
  let drawn = 0;
  try {
    for (let frame = 0; frame < video.frameCount; frame++) {
      const abnormal = decisions[frame] === 1;
      const rgb = Uint8Array.from(await video.readFrame(frame));
      let boxes: DrawnBox[] = [];
      if (abnormal) {
        const map = patchMaps.subarray(frame * rows * cols, (frame + 1) * rows * cols);
        boxes = regionsFromMap(map, rows, cols, options.mapThreshold).map((region) => ({ box: nativeBox(region, plan.model.patch, scaleX, scaleY, width, height), score: region.score }));
        drawBoxes(rgb, width, height, [[0, 0, width - 1, height - 1], ...boxes.map((entry) => entry.box)], thickness);
        drawn += boxes.length;
      }
      if (options.pngs) await writeFileAtomic(join(options.outDir, 'frames', `${String(frame).padStart(digits, '0')}.png`), encodePng({ width, height, rgb }));
      await encoder?.write(rgb);
      frames.push({ frame, abnormal, boxes });
    }
  } finally {
    await encoder?.close();
  }
  await writeJsonAtomic(join(options.outDir, 'regions.json'), {
    threshold: scored.threshold, map_threshold: options.mapThreshold,
    boxes: 'inclusive [x1, y1, x2, y2] at native resolution; abnormal frames only (they also get a red border)', frames,
  });
  return drawn;
}
