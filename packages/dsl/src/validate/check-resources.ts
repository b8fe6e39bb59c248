// Stage: resource bounds of a schema-valid Plan, before anything runs. Sizes, frame counts, batches and model
// dimensions that pass the schema one by one can still ask for terabytes together (`data.size: [100000, 100000]`,
// `data.synthetic.frames: 1e15`); such a run would die of an out-of-memory abort or an "Invalid typed array length"
// with no key named. Each estimate below is the dominant term of what the runtime allocates (float32 = 4 bytes),
// reported at the key most likely to be wrong.
import { errorAt, type Diagnostic } from '../diagnostics.ts';
import { formatKey, type KeySegment } from '../key-path.ts';
import type { RecipeNode } from '../parse/recipe-node.ts';
import { planPatchGrid } from '../plan/patch-grid.ts';
import { positionAtPath } from '../resolve/positions.ts';
import type { Plan } from '../plan/types.ts';

/** Most memory one estimate may reach: far above any real recipe (the paper's 320x640 batch 100 is estimated at a few hundred GiB). */
export const MAX_ESTIMATED_BYTES = 1024 ** 4;

/** Most elements one array may hold (JavaScript typed arrays stop near 2^32; half of it leaves headroom). */
export const MAX_ARRAY_ELEMENTS = 2 ** 31;

/** Most frames of one video (a day at 10 frames/s is under a million). */
export const MAX_VIDEO_FRAMES = 10_000_000;

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toPrecision(3)} GiB`;

/** Memory of one training or inference pass over `batch` frames: inputs and every block's activations. */
function passBytes(plan: Plan, batch: number, training: boolean): { bytes: number } {
  const [height, width] = plan.data.size;
  const grid = planPatchGrid(plan);
  const tokens = grid.rows * grid.cols + 1;
  const input = batch * plan.data.context.length * 3 * height * width;
  let activations = 0;
  for (const stack of [plan.model.encoder, plan.model.decoder]) {
    const perToken = stack.dim * (8 + 2 * stack.mlp_ratio);
    const attention = stack.heads * tokens * tokens;
    activations += batch * stack.depth * (tokens * perToken + 2 * attention);
  }
  // Training keeps the activations for the backward pass and as many gradients again.
  return { bytes: 4 * (input + activations * (training ? 2 : 1)) };
}

/** All resource-bound problems of a schema-valid Plan. */
export function checkResources(plan: Plan, tree: RecipeNode, fallbackFile: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const fail = (path: KeySegment[], message: string, hint: string): void => {
    diagnostics.push(errorAt(positionAtPath(tree, path, fallbackFile), 'TOO_LARGE', formatKey(path), message, { hint }));
  };
  const [height, width] = plan.data.size;
  if (height * width * plan.data.context.length * 3 > MAX_ARRAY_ELEMENTS) {
    fail(['data', 'size'], `a ${height}x${width} frame is too large: one model input would hold ${height * width * plan.data.context.length * 3} values`, 'use a smaller data.size (frames are resized to it)');
    return diagnostics;
  }
  const synthetic = plan.data.dataset === 'synthetic' ? plan.data.synthetic : null;
  if (synthetic !== null) {
    const [videoHeight, videoWidth] = synthetic.resolution;
    if (synthetic.frames > MAX_VIDEO_FRAMES) {
      fail(['data', 'synthetic', 'frames'], `${synthetic.frames} frames per video is more than the ${MAX_VIDEO_FRAMES} a video may have`, 'use fewer frames');
    }
    if (videoHeight * videoWidth * 3 > MAX_ARRAY_ELEMENTS) {
      fail(['data', 'synthetic', 'resolution'], `a ${videoHeight}x${videoWidth} generated frame is too large`, 'use a smaller resolution');
    }
    // Test videos keep their masks and per-patch score maps for the whole video.
    const grid = planPatchGrid(plan);
    const tokens = grid.rows * grid.cols;
    const perTestFrame = videoHeight * videoWidth + height * width + 3 * 4 * tokens + 64;
    const testBytes = synthetic.test_videos * Math.min(synthetic.frames, MAX_VIDEO_FRAMES) * perTestFrame;
    if (synthetic.frames <= MAX_VIDEO_FRAMES && testBytes > MAX_ESTIMATED_BYTES) {
      fail(['data', 'synthetic', 'frames'], `${synthetic.test_videos} test videos of ${synthetic.frames} frames need about ${gib(testBytes)} for their masks and score maps (at most ${gib(MAX_ESTIMATED_BYTES)})`, 'use fewer or shorter videos');
    }
  }
  if (diagnostics.length > 0) return diagnostics;
  plan.stages.forEach((stage, index) => {
    const batch = Math.min(stage.batch, stage.micro_batch ?? stage.batch);
    const key: KeySegment[] = stage.micro_batch === null ? ['stages', index, 'batch'] : ['stages', index, 'micro_batch'];
    const pass = passBytes(plan, batch, true);
    if (pass.bytes > MAX_ESTIMATED_BYTES) {
      fail(key, `a training step of ${batch} frames at ${height}x${width} needs about ${gib(pass.bytes)} (at most ${gib(MAX_ESTIMATED_BYTES)})`,
        'lower the batch (or micro_batch), data.size, or the model dimensions');
    }
  });
  const scoring = passBytes(plan, plan.scoring.batch, false);
  if (scoring.bytes > MAX_ESTIMATED_BYTES) {
    fail(['scoring', 'batch'], `scoring ${plan.scoring.batch} frames at ${height}x${width} needs about ${gib(scoring.bytes)} (at most ${gib(MAX_ESTIMATED_BYTES)})`, 'lower scoring.batch or data.size');
  }
  return diagnostics;
}
