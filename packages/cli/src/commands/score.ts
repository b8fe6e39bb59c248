// `vadc score <run> <video-or-folder>`: per-frame anomaly scores of any video file or folder of frames with a trained
// run's model; no labels needed. The input goes through the run's own data pipeline (resize, context, motion) as a
// one-video test split, so a test video of the run's dataset gets exactly the numbers `vadc eval` gives it.
// With --draw, each frame is written as a PNG with the abnormal regions drawn: connected components of the frame's
// patch-level anomaly map above a threshold (--threshold, or the 99th percentile of the video's map values).
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { regionsFromMap, type MapRegion } from '@vadc/metrics';
import {
  DataPipeline, describeBackend, IMAGE_EXTENSIONS, inferBatch, naturalCompare,
  openImageSequence, openVideoFile, scoreVideo, selectBackend, type MaskedAutoencoder, type VideoScores, type VideoSource,
} from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { parseQueueUrl } from '../queue/connection.ts';
import { QUEUE_OPTION_HELP } from '../queue/option-help.ts';
import { queueScore } from '../queue/score-queue.ts';
import { encodePng } from '../report/png.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run/files.ts';
import { startProgress } from '../run/progress.ts';
import { loadTrainedModel, readTrainedRun } from '../run/trained-run.ts';
import { scoresCsv } from '../run/scores-csv.ts';

/** The video file or frame folder as a VideoSource named after it (the name also seeds test-time masking). */
export async function openInput(path: string, cacheDir: string): Promise<VideoSource> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new UsageError(`no such video file or frame folder: ${path}`);
  if (!info.isDirectory()) return openVideoFile(basename(path, extname(path)), path, cacheDir, null);
  const files = (await readdir(path)).filter((file) => IMAGE_EXTENSIONS.includes(extname(file).toLowerCase())).sort(naturalCompare);
  if (files.length === 0) throw new UsageError(`${path} holds no image files (${IMAGE_EXTENSIONS.join(' ')})`);
  return openImageSequence(basename(path), files.map((file) => join(path, file)), null);
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
function drawBoxes(rgb: Uint8Array, width: number, height: number, boxes: Array<[number, number, number, number]>, thickness: number): void {
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

/** Writes frames/<frame>.png with the regions drawn, and regions.json; returns the number of regions. */
async function drawFrames(video: VideoSource, scored: VideoScores, plan: Plan, threshold: number, outDir: string): Promise<number> {
  const [height, width] = video.resolution;
  const { rows, cols } = scored;
  const scaleX = width / plan.data.size[1];
  const scaleY = height / plan.data.size[0];
  const thickness = Math.max(1, Math.round(Math.min(width, height) / 120));
  const digits = Math.max(4, String(video.frameCount - 1).length);
  const regions: Array<{ frame: number; boxes: Array<{ box: [number, number, number, number]; score: number }> }> = [];
  for (let frame = 0; frame < video.frameCount; frame++) {
    const map = scored.patchMaps.subarray(frame * rows * cols, (frame + 1) * rows * cols);
    const found = regionsFromMap(map, rows, cols, threshold).map((region) => ({ box: nativeBox(region, plan.model.patch, scaleX, scaleY, width, height), score: region.score }));
    const rgb = Uint8Array.from(await video.readFrame(frame));
    drawBoxes(rgb, width, height, found.map((region) => region.box), thickness);
    await writeFileAtomic(join(outDir, 'frames', `${String(frame).padStart(digits, '0')}.png`), encodePng({ width, height, rgb }));
    regions.push({ frame, boxes: found });
  }
  await writeJsonAtomic(join(outDir, 'regions.json'), { threshold, boxes: 'inclusive [x1, y1, x2, y2] at native resolution', frames: regions });
  return regions.reduce((sum, entry) => sum + entry.boxes.length, 0);
}

/** Per-frame scores of one input with a trained model, through the run's pipeline as a one-video test split. */
export async function scoreInputVideo(video: VideoSource, model: MaskedAutoencoder, plan: Plan, cacheDir: string, onFrames?: (frames: number) => void): Promise<VideoScores> {
  const pipeline = new DataPipeline({ train: [], validation: [], test: [video] }, plan, { defaultCacheDir: cacheDir });
  try {
    const [testVideo] = pipeline.testVideos('test');
    return await scoreVideo(testVideo!, plan, async (batch, name) => inferBatch(model, batch, { video: name }), { onBatch: (outputs) => onFrames?.(outputs.size) });
  } finally {
    await pipeline.close();
  }
}

/** The disk cache of a run's inputs: beside the runs, as `vadc run` keeps it. */
export const scoreCacheDir = (runDirectory: string): string => join(dirname(dirname(runDirectory)), '.vadc-cache');

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Per-frame anomaly scores of any video file or frame folder with a trained run (no labels needed)',
  usage: 'vadc score <run-folder> <video-file-or-frame-folder> [--out dir] [--draw] [--threshold t] [--backend b]\n       vadc score <run-folder> <video-or-frame-folder>... --queue redis://host:port [--out dir] [--backend b]',
  options: { out: { type: 'string' }, draw: { type: 'boolean' }, threshold: { type: 'string' }, backend: { type: 'string' }, queue: { type: 'string' } },
  help: {
    description: 'Per-frame anomaly scores of a video file or frame folder with a trained run\'s model (no labels needed): '
      + '<out>/scores.csv (default <run>/scored/<video>/). With --queue, any number of inputs, one job per video on `vadc worker`s, '
      + 'each scores.csv identical to a local `vadc score` of that input.',
    options: {
      out: 'output folder (default <run>/scored/<video>); with --queue and several inputs, one subfolder per video',
      draw: 'also write each frame as a PNG with the abnormal regions boxed, and regions.json (not with --queue)',
      threshold: 'patch-map value above which a region is drawn (default: the 99th percentile of the video\'s map values)',
      backend: 'TF.js backend instead of the recipe\'s runtime.backend: auto, tensorflow-gpu, tensorflow, wasm or cpu',
      queue: QUEUE_OPTION_HELP,
    },
    examples: ['vadc score runs/quickstart/latest clip.mp4 --draw', 'vadc score runs/quickstart/latest cams/*.mp4 --queue redis://127.0.0.1:6379'],
  },
  async run(args, io) {
    if (typeof args.values.queue === 'string') {
      const [runFolder, ...inputs] = args.positionals;
      if (runFolder === undefined || inputs.length === 0) throw new UsageError('give a run folder and at least one video file or frame folder');
      if (args.values.draw) throw new UsageError('--draw is not available with --queue: score the videos to draw locally');
      const out = typeof args.values.out === 'string' ? args.values.out : null;
      const backend = typeof args.values.backend === 'string' ? args.values.backend : null;
      await queueScore({ folder: runFolder, inputs, out, backend }, parseQueueUrl(args.values.queue), io);
      return EXIT_OK;
    }
    const [folder, input, ...extra] = args.positionals;
    if (folder === undefined || input === undefined || extra.length > 0) throw new UsageError('give a run folder and one video file or frame folder');
    const thresholdFlag = typeof args.values.threshold === 'string' ? Number(args.values.threshold) : null;
    if (thresholdFlag !== null && !Number.isFinite(thresholdFlag)) throw new UsageError(`--threshold must be a number, not "${String(args.values.threshold)}"`);
    const { run, plan } = await readTrainedRun(folder, io.cwd);
    const cacheDir = scoreCacheDir(run.directory);
    const video = await openInput(resolve(io.cwd, input), cacheDir);
    const say = (text: string) => io.stdout(`${text}\n`);
    say(`video ${video.name}: ${video.frameCount} frames, ${video.resolution[1]}x${video.resolution[0]}`);

    const requested = typeof args.values.backend === 'string' ? args.values.backend : plan.runtime.backend;
    const backend = await selectBackend(requested as Plan['runtime']['backend'], { threads: plan.runtime.threads });
    say(`backend: ${describeBackend(backend)}`);
    const model = await loadTrainedModel(run, plan);
    const bar = startProgress('score', video.frameCount, { write: io.stdout, isTerminal: io.isTerminal, unit: 'frames' });
    const scored = await scoreInputVideo(video, model, plan, cacheDir, (frames) => bar.tick(frames));
    bar.done();

    const outDir = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : join(run.directory, 'scored', video.name));
    await writeFileAtomic(join(outDir, 'scores.csv'), scoresCsv([scored], plan));
    say(`scores: ${join(outDir, 'scores.csv')} (${scored.frameCount} frames; score = weighted components, unsmoothed)`);
    if (args.values.draw) {
      const threshold = thresholdFlag ?? percentile(scored.patchMaps, 0.99);
      const how = thresholdFlag !== null ? 'from --threshold' : "the 99th percentile of this video's patch-map values";
      say(`regions: patch-map components above ${threshold.toPrecision(6)} (${how})`);
      const count = await drawFrames(video, scored, plan, threshold, outDir);
      say(`frames: ${join(outDir, 'frames')} (${video.frameCount} PNGs, ${count} regions drawn; boxes in ${join(outDir, 'regions.json')})`);
    }
    return EXIT_OK;
  },
};
