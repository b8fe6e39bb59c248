// Scoring one video file or frame folder into the files `vadc score` writes (scores.csv, decisions.csv,
// events.json, events.csv), and drawing its abnormal frames. One function for the local command and for the jobs
// of `vadc score --queue`, so a job's files equal a local score of the same input: same threshold rule (the given
// one, else the detector's calibrated one), same event times (the given frame rate, else the input's own).
import { join } from 'node:path';
import { type VideoSource } from '../data/types.ts';
import { type GivenTestMasks } from '../score/given-test-masks.ts';
import { writeFileAtomic } from '../run-folder/files.ts';
import { UsageError } from '../run-io.ts';
import type { Detector } from './detector.ts';
import { drawFrames, percentile } from './draw-frames.ts';
import { openInput } from './open-input.ts';
import { scoreInput, type ScoredInput } from './score-input.ts';
import { scoredInputFiles } from './scored-files.ts';

/** Options of scoreFile. */
export interface ScoreFileOptions {
  /** Threshold on smoothed scores; null or absent: the detector's calibrated one (none: scores only). */
  threshold?: number | null;
  /** Frames per second of the footage for event times; null or absent: the input's own rate. */
  fps?: number | null;
  /** Test-time masks given instead of drawn (`vadc score --test-masks`). */
  testMasks?: GivenTestMasks | null;
  /** Called once the input is open, before scoring (how many frames, at what rate: progress, logs). */
  onOpen?: (source: VideoSource, fps: number | null) => void;
  /** Called after each scored batch with its number of frames. */
  onBatch?: (frames: number) => void;
}

/** One scored input and the text of its output files. */
export interface ScoredFile {
  source: VideoSource;
  /** The frame rate of event times, or null (a frame folder without one: times in frames only). */
  fps: number | null;
  scored: ScoredInput;
  /** File name -> content (scored-files.ts). */
  files: Record<string, string>;
}

/**
 * Scores the video file or frame folder at `path` with `detector`. A video whose declared frame rate is unusable
 * needs `fps` (a usage error says so); a frame folder without one has event times in frames.
 */
export async function scoreFile(detector: Detector, path: string, options: ScoreFileOptions = {}): Promise<ScoredFile> {
  const source = await openInput(path, detector.cacheDir);
  const given = options.fps ?? null;
  // null: a video file whose rate could not be read; undefined: a frame folder, which has none.
  if (source.frameRate === null && given === null) throw new UsageError(`${path} declares no usable frame rate: give --fps (frames per second of the footage)`);
  const fps = given ?? source.frameRate ?? null;
  options.onOpen?.(source, fps);
  const onBatch = options.onBatch;
  const scored = await scoreInput(detector, source, {
    threshold: options.threshold ?? null,
    testMasks: options.testMasks ?? null,
    onBatch: onBatch && ((outputs) => onBatch(outputs.size)),
  });
  return { source, fps, scored, files: scoredInputFiles(source.name, scored, detector.plan, fps) };
}

/** Writes a scored input's files into `outDir` (created if needed), each atomically. */
export async function writeScoredFiles(outDir: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) await writeFileAtomic(join(outDir, file), text);
}

/** Options of drawScoredFile. */
export interface DrawScoredOptions {
  outDir: string;
  /** Patch-map value above which regions are boxed; null: the calibrated one, else the 99th percentile of the input's maps. */
  mapThreshold: number | null;
  /** Write frames/<n>.png. */
  pngs: boolean;
  /** Path of an annotated H.264 video to write, or null. */
  mp4: string | null;
}

/** Draws a scored input's abnormal frames (red border, boxed regions): how many regions were boxed, at which map threshold. */
export async function drawScoredFile(detector: Detector, file: ScoredFile, options: DrawScoredOptions): Promise<{ boxes: number; mapThreshold: number }> {
  if (file.scored.threshold === null) throw new UsageError('drawing marks abnormal frames, which needs a threshold: run vadc calibrate, or pass --threshold');
  const mapThreshold = options.mapThreshold ?? detector.threshold?.map_threshold ?? percentile(file.scored.scores.patchMaps, 0.99);
  const boxes = await drawFrames(file.source, file.scored, detector.plan, { outDir: options.outDir, mapThreshold, pngs: options.pngs, mp4: options.mp4, fps: file.fps ?? 25 });
  return { boxes, mapThreshold };
}
