// Test-time masks given instead of drawn (`vadc eval` / `vadc score --test-masks <file>`, issue 28): to score frames
// under the masks another implementation used (the official PyTorch code's, to compare outputs), or under masks chosen
// by hand. They are one more source of TestMaskPass (model/test-mask.ts), so every engine applies them through the
// one path that applies drawn masks. The file is JSON:
//   { "vadc_test_masks": 1, "grid": [rows, cols], "videos": { "<video>": [[kept patches of frame 0], [frame 1], ...] } }
// Patches are numbered row by row over the rows x cols patch grid (row * cols + col, the official patchify order).
// Each frame lists the patches the encoder sees, in the order it sees them (the official ids_shuffle[:, :len_keep]:
// the encoder lays the kept tokens out as a grid in that order, so the order matters); the others are hidden. Every
// frame keeps exactly the model's K = keptTokenCount(grid, masking.ratio) patches. A video lists one mask per frame
// (frame i = its i-th frame, 0-based); the file's masks replace scoring.test_masks (one pass per frame).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { planPatchGrid, type Plan } from '@vadc/dsl';
import { keptTokenCount } from '../model/masking.ts';
import type { TestMaskPass } from '../model/test-mask.ts';

/** The file of given test masks is unreadable or does not fit the model or the videos (exit 2: the user's input). */
export class TestMasksError extends Error {
  override name = 'TestMasksError';
}

/** A test-masks file, read and checked against the model. */
export interface GivenTestMasks {
  /** The file as given (messages name it). */
  file: string;
  sha256: string;
  /** Per video, per frame: the kept patches in encoder order. */
  videos: Map<string, Int32Array[]>;
}

/** What a file must fit: the model's patch grid and kept patches per frame. */
export interface TestMaskShape {
  rows: number;
  cols: number;
  keep: number;
}

export const TEST_MASKS_FORMAT = 'vadc_test_masks';

/** The shape a plan's model gives its test masks: its patch grid and K at its masking.ratio. */
export function planTestMaskShape(plan: Pick<Plan, 'data' | 'model' | 'masking'>): TestMaskShape {
  const grid = planPatchGrid(plan);
  return { rows: grid.rows, cols: grid.cols, keep: keptTokenCount(grid, plan.masking.ratio) };
}

/** Reads and checks `path` (the first problem found is thrown as a TestMasksError naming file, video and frame). */
export async function readGivenTestMasks(path: string, shape: TestMaskShape, shownAs = path): Promise<GivenTestMasks> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TestMasksError(`${shownAs}: cannot read the test masks (${(error as Error).message})`);
  }
  return parseGivenTestMasks(bytes.toString('utf8'), shownAs, shape, createHash('sha256').update(bytes).digest('hex'));
}

/** Parses and checks the text of a test-masks file (see the file's header for the format). */
export function parseGivenTestMasks(text: string, file: string, shape: TestMaskShape, sha256 = createHash('sha256').update(text).digest('hex')): GivenTestMasks {
  const fail = (where: string, problem: string): never => {
    throw new TestMasksError(`${file}${where}: ${problem}`);
  };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return fail('', `not JSON (${(error as Error).message}); expected { "${TEST_MASKS_FORMAT}": 1, "grid": [rows, cols], "videos": { "<video>": [[kept patches], ...] } }`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return fail('', 'expected a JSON object');
  const object = root as Record<string, unknown>;
  if (object[TEST_MASKS_FORMAT] !== 1) fail('', `expected "${TEST_MASKS_FORMAT}": 1 (the format's version), got ${JSON.stringify(object[TEST_MASKS_FORMAT])}`);
  const grid = object.grid;
  if (!Array.isArray(grid) || grid.length !== 2 || grid[0] !== shape.rows || grid[1] !== shape.cols) {
    fail(', key grid', `expected the model's patch grid [${shape.rows}, ${shape.cols}] (rows, cols), got ${JSON.stringify(grid)}`);
  }
  const unknown = Object.keys(object).filter((key) => ![TEST_MASKS_FORMAT, 'grid', 'videos'].includes(key));
  if (unknown.length > 0) fail(`, key ${unknown[0]}`, `unknown key; expected only "${TEST_MASKS_FORMAT}", "grid" and "videos"`);
  const videos = object.videos;
  if (typeof videos !== 'object' || videos === null || Array.isArray(videos)) return fail(', key videos', 'expected an object of video name -> list of frames');
  const tokens = shape.rows * shape.cols;
  const result = new Map<string, Int32Array[]>();
  for (const [video, frames] of Object.entries(videos as Record<string, unknown>)) {
    if (!Array.isArray(frames) || frames.length === 0) fail(`, video ${video}`, 'expected a list with one mask per frame');
    result.set(video, (frames as unknown[]).map((kept, frame) => {
      const where = `, video ${video}, frame ${frame}`;
      if (!Array.isArray(kept) || kept.length !== shape.keep) {
        fail(where, `expected a list of the ${shape.keep} patches the encoder sees (the model keeps ${shape.keep} of ${tokens}), got ${Array.isArray(kept) ? `${kept.length} values` : JSON.stringify(kept)}`);
      }
      const seen = new Set<number>();
      for (const patch of kept as unknown[]) {
        if (!Number.isInteger(patch) || (patch as number) < 0 || (patch as number) >= tokens) fail(where, `${JSON.stringify(patch)} is not a patch index 0..${tokens - 1}`);
        if (seen.has(patch as number)) fail(where, `patch ${String(patch)} is listed twice`);
        seen.add(patch as number);
      }
      return Int32Array.from(kept as number[]);
    }));
  }
  if (result.size === 0) fail(', key videos', 'no video listed');
  return { file, sha256, videos: result };
}

/** The video of `masks` that scores a video named `name`: that name, or the file's only video. */
export function givenMasksVideo(masks: GivenTestMasks, name: string): string {
  if (masks.videos.has(name)) return name;
  if (masks.videos.size === 1) return [...masks.videos.keys()][0]!;
  throw new TestMasksError(`${masks.file}: no masks for video ${name} (the file lists ${[...masks.videos.keys()].join(', ')})`);
}

/** The one pass that scores video `name` of `frameCount` frames under the given masks; checks that every frame has one. */
export function givenMaskPasses(masks: GivenTestMasks, name: string, frameCount: number): TestMaskPass[] {
  const video = givenMasksVideo(masks, name);
  const frames = masks.videos.get(video)!;
  if (frames.length !== frameCount) {
    throw new TestMasksError(`${masks.file}, video ${video}: ${frames.length} masks for ${frameCount} frames (expected one mask per frame of ${name})`);
  }
  return [{
    index: 0, complementary: false,
    given: (frame) => {
      const kept = frames[frame];
      if (kept === undefined) throw new TestMasksError(`${masks.file}, video ${video}: no mask for frame ${frame} (the file has ${frames.length})`);
      return kept;
    },
  }];
}
