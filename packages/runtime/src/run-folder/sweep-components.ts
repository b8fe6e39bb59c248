// components.bin: a run's score components kept so that scoring-only changes (alpha / beta / gamma, smoothing,
// evaluation settings) are re-evaluated without running the model again (`vadc sweep`). Per test video it holds
// the per-frame components [T] and the per-patch component maps [T, rows, cols] of the recipe's error kinds.
// Layout (little-endian): 8 bytes "VADCCMP1", uint32 header length, UTF-8 JSON header, zero padding to a multiple
// of 4, then float32 arrays in the order the header lists them; the file ends with runtime's integrity seal
// (length + SHA-256), checked before decoding. Files written before the seal are read when their length is exact.
import { readFile } from 'node:fs/promises';
import type { Plan } from '@vadc/dsl';
import { openSealed, sealBytes } from '../integrity/sealed-file.ts';
import { combinePatchMaps, frameScoring, patchComponents, type FrameComponents, type PatchComponents } from '../score/components.ts';
import { type FrameOutputs } from '../model/inference.ts';
import { type VideoScores } from '../score/score-video.ts';
import { type VideoTruth } from '../data/types.ts';
import { writeFileAtomic } from './files.ts';

/** The file name of the stored components inside a run folder. */
export const COMPONENTS_FILE = 'components.bin';

const MAGIC = 'VADCCMP1';

/** The JSON header of components.bin. */
export interface ComponentsHeader {
  version: 1;
  /** Error kinds the teacher and discrepancy components were computed with (plan.scoring.errors). */
  errors: Plan['scoring']['errors'];
  rows: number;
  cols: number;
  /** Each video's arrays follow in this order: frame teacher, discrepancy, anomaly_map[, classifier] (T each), then
   * patch teacher, discrepancy, anomaly_map (T * rows * cols each). */
  videos: Array<{ name: string; frameCount: number; classifier: boolean }>;
}

/** The stored components of one test video. */
export interface StoredVideo {
  name: string;
  frameCount: number;
  frames: FrameComponents;
  patches: PatchComponents;
}

/** Decoded components.bin. */
export interface StoredComponents {
  header: ComponentsHeader;
  videos: StoredVideo[];
}

/** A typed error of components.bin (unreadable file, or components that cannot serve a plan). */
export class ComponentsError extends Error {
  override name = 'ComponentsError';
  constructor(readonly code: 'BAD_FILE' | 'ERRORS_DIFFER', message: string) {
    super(message);
  }
}

/** Collects the per-patch components of every scored batch (scoreVideo's onBatch), per video. */
export class PatchComponentCollector {
  private readonly videos = new Map<string, PatchComponents>();
  constructor(private readonly errors: Plan['scoring']['errors']) {}

  /** Copies the batch's patch components [B * L] into the video's arrays [T * L] at the batch's frames. */
  add(video: string, frameCount: number, outputs: FrameOutputs): void {
    const tokens = outputs.rows * outputs.cols;
    let stored = this.videos.get(video);
    if (stored === undefined) {
      const array = () => new Float32Array(frameCount * tokens);
      stored = { teacher: array(), discrepancy: array(), anomalyMap: array() };
      this.videos.set(video, stored);
    }
    const batch = patchComponents(outputs, this.errors);
    const offset = (outputs.frames[0] ?? 0) * tokens;
    stored.teacher.set(batch.teacher, offset);
    stored.discrepancy.set(batch.discrepancy, offset);
    stored.anomalyMap.set(batch.anomalyMap, offset);
  }

  /** The collected maps of `video`; throws when it was never scored. */
  patches(video: string): PatchComponents {
    const stored = this.videos.get(video);
    if (stored === undefined) throw new Error(`no patch components were collected for video ${video}`);
    return stored;
  }
}

/** Encodes the components of scored videos (frame components from VideoScores, patch maps from the collector). */
export function encodeComponents(videos: readonly VideoScores[], collector: PatchComponentCollector, errors: Plan['scoring']['errors']): Uint8Array {
  const first = videos[0];
  const header: ComponentsHeader = {
    version: 1, errors, rows: first?.rows ?? 0, cols: first?.cols ?? 0,
    videos: videos.map((video) => ({ name: video.name, frameCount: video.frameCount, classifier: video.components.classifier !== null })),
  };
  const arrays: Float32Array[] = [];
  for (const video of videos) {
    const { teacher, discrepancy, anomalyMap, classifier } = video.components;
    arrays.push(teacher, discrepancy, anomalyMap, ...(classifier ? [classifier] : []));
    const patches = collector.patches(video.name);
    arrays.push(patches.teacher, patches.discrepancy, patches.anomalyMap);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((MAGIC.length + 4 + json.length) / 4) * 4;
  const bytes = new Uint8Array(start + arrays.reduce((sum, array) => sum + array.byteLength, 0));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  let offset = start;
  for (const array of arrays) {
    for (let index = 0; index < array.length; index++) view.setFloat32(offset + index * 4, array[index]!, true);
    offset += array.byteLength;
  }
  return bytes;
}

/** Decodes components.bin; throws ComponentsError BAD_FILE when the bytes are not one. */
export function decodeComponents(bytes: Uint8Array): StoredComponents {
  const bad = (why: string) => new ComponentsError('BAD_FILE', `not a components file: ${why}`);
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw bad('no VADCCMP1 signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(MAGIC.length, true);
  let header: ComponentsHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + length))) as ComponentsHeader;
  } catch {
    throw bad('unreadable header');
  }
  if (header.version !== 1) throw bad(`version ${String(header.version)}`);
  let offset = Math.ceil((MAGIC.length + 4 + length) / 4) * 4;
  const take = (count: number) => {
    if (offset + count * 4 > bytes.length) throw bad('truncated');
    const out = new Float32Array(count);
    for (let index = 0; index < count; index++) out[index] = view.getFloat32(offset + index * 4, true);
    offset += count * 4;
    return out;
  };
  const tokens = header.rows * header.cols;
  const videos = header.videos.map((video): StoredVideo => {
    const frames: FrameComponents = { teacher: take(video.frameCount), discrepancy: take(video.frameCount), anomalyMap: take(video.frameCount), classifier: null };
    if (video.classifier) frames.classifier = take(video.frameCount);
    const patches: PatchComponents = { teacher: take(video.frameCount * tokens), discrepancy: take(video.frameCount * tokens), anomalyMap: take(video.frameCount * tokens) };
    return { name: video.name, frameCount: video.frameCount, frames, patches };
  });
  if (offset !== bytes.length) throw bad(`${bytes.length - offset} trailing bytes`);
  return { header, videos };
}

/** Writes components.bin atomically. */
export async function writeComponents(path: string, videos: readonly VideoScores[], collector: PatchComponentCollector, errors: Plan['scoring']['errors']): Promise<void> {
  await writeFileAtomic(path, sealBytes(encodeComponents(videos, collector, errors)));
}

/** Reads and decodes components.bin. */
export async function readComponents(path: string): Promise<StoredComponents> {
  const bytes = new Uint8Array(await readFile(path));
  try {
    return decodeComponents(openSealed(bytes, path).payload);
  } catch (error) {
    if (error instanceof ComponentsError) throw new ComponentsError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

/**
 * The VideoScores `plan` would have given, from stored components: the frame components as stored and the patch
 * maps combined with plan.scoring.weights (exactly as scoreVideo combines them). Truth comes from `truthOf`.
 * Throws ComponentsError ERRORS_DIFFER when the plan asks for error kinds other than the stored ones.
 */
export function videoScoresFromComponents(stored: StoredComponents, plan: Plan, truthOf: (name: string) => VideoTruth | null): VideoScores[] {
  const { errors, rows, cols } = stored.header;
  if (errors.teacher !== plan.scoring.errors.teacher || errors.discrepancy !== plan.scoring.errors.discrepancy) {
    throw new ComponentsError('ERRORS_DIFFER', `stored components use errors teacher=${errors.teacher} discrepancy=${errors.discrepancy}; the plan asks for teacher=${plan.scoring.errors.teacher} discrepancy=${plan.scoring.errors.discrepancy}, which needs the model run again`);
  }
  return stored.videos.map((video) => ({
    name: video.name, frameCount: video.frameCount, components: video.frames, rows, cols,
    patchMaps: combinePatchMaps(video.patches, plan.scoring.weights), scoring: frameScoring(plan.scoring), truth: truthOf(video.name),
  }));
}
