// Stage: resource bounds of a schema-valid Plan, before anything runs. Sizes, frame counts, batches, dataset sizes
// and model dimensions that pass the schema one by one can still ask for terabytes together (`data.size: [100000,
// 100000]`, `model.encoder.dim: 8192`, `data.synthetic.train_videos: 1e8`); such a run would grow until an
// out-of-memory abort or an "Invalid typed array length" with no key named. Each estimate below is the dominant term
// of what the runtime allocates (float32 = 4 bytes), reported at the key most likely to be wrong. The estimates are
// compared with the memory of the machine that will run the Plan when the caller knows it (the dsl reads no machine
// state: the CLI passes its memory or container limit), and with an absolute bound otherwise.
import { errorAt, type Diagnostic } from '../diagnostics.ts';
import { formatKey, type KeySegment } from '../key-path.ts';
import type { RecipeNode } from '../parse/recipe-node.ts';
import { planPatchGrid } from '../plan/patch-grid.ts';
import { positionAtPath } from '../resolve/positions.ts';
import type { Plan, StackPlan } from '../plan/types.ts';

/**
 * Most memory one estimate may reach when the machine's memory is unknown. The step estimate is calibrated on TF.js
 * wasm and gives the paper's own 320x640 batch-100 step about 1.2 TiB (the official code trains it on one GPU), so
 * the bound sits well above it: it stops recipes that no machine runs, not large ones.
 */
export const MAX_ESTIMATED_BYTES = 64 * 1024 ** 4;

/** Most elements one array may hold (JavaScript typed arrays stop near 2^32; half of it leaves headroom). */
export const MAX_ARRAY_ELEMENTS = 2 ** 31;

/** Most frames of one video (a day at 10 frames/s is under a million). */
export const MAX_VIDEO_FRAMES = 10_000_000;

/**
 * Bytes one listed video costs before any frame is read: its source object, its actors or file list, and the
 * training pipeline's per-video store (measured: about 1-3 KiB for a synthetic video; 4 KiB leaves headroom).
 */
const BYTES_PER_VIDEO = 4096;

/**
 * float32 copies of every trained weight during training: the weights, their gradients, two Adam moments, the
 * updated weights before the old ones are freed and the host copies. Measured: quickstart with model.encoder.dim
 * 2048 at batch 1 (67 M weights, 268 MB a copy) peaks 2.16 GB above dim 32 on TF.js wasm, 8 copies.
 */
const TRAINING_COPIES = 8;

/**
 * Measured peak of a training step over the activation count below: recipes/avenue.yaml (320x640) at batch 1 and 4
 * peaks at 0.92 and 3.57 GB of TF.js wasm heap, 2.8x the count (the engine keeps more intermediates than it names).
 */
const STEP_OVERHEAD = 3;

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toPrecision(3)} GiB`;

/** Where the estimates are compared: the machine's memory when known, else the absolute bound. */
export interface MemoryBound {
  bytes: number;
  /** How the bound reads in a message: "this machine has 23.4 GiB" or "at most 1024 GiB". */
  description: string;
}

/** The bound for a machine of `memoryBytes` (null: unknown, the absolute bound). */
export function memoryBound(memoryBytes: number | null): MemoryBound {
  return memoryBytes === null
    ? { bytes: MAX_ESTIMATED_BYTES, description: `at most ${gib(MAX_ESTIMATED_BYTES)}` }
    : { bytes: Math.min(memoryBytes, MAX_ESTIMATED_BYTES), description: `this machine has ${gib(memoryBytes)}` };
}

/** Weights of one block of a stack: q, k, v and output projections (4 dim^2) and the MLP (2 mlp_ratio dim^2). */
const blockWeights = (stack: StackPlan): number => stack.dim * stack.dim * (4 + 2 * stack.mlp_ratio) + 16 * stack.dim;

/** Weights of the whole model: patch embedding, encoder, decoder, student blocks and output heads. */
function modelWeights(plan: Plan): number {
  const { model } = plan;
  const grid = planPatchGrid(plan);
  const tokens = grid.rows * grid.cols + 1;
  const pixelsPerPatch = model.patch * model.patch;
  const embedding = pixelsPerPatch * 3 * plan.data.context.length * model.encoder.dim + tokens * (model.encoder.dim + model.decoder.dim);
  const heads = 2 * model.decoder.dim * pixelsPerPatch * (model.outputs.frame + model.outputs.anomaly_map) + model.encoder.dim * model.decoder.dim;
  return embedding + model.encoder.depth * blockWeights(model.encoder) + (model.decoder.depth + model.student.blocks) * blockWeights(model.decoder) + heads;
}

/** Memory of one training or inference pass over `batch` frames: inputs and every block's activations. */
function passBytes(plan: Plan, batch: number, training: boolean): number {
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
  return 4 * STEP_OVERHEAD * (input + activations * (training ? 2 : 1));
}

/** One term of the memory estimate, at the key a user would change to shrink it. */
export interface MemoryTerm {
  key: KeySegment[];
  bytes: number;
  what: string;
}

/** The model's weights (with their training copies) at the key that sizes them most. */
function weightsTerm(plan: Plan): MemoryTerm {
  const { encoder, decoder } = plan.model;
  const encoderBlocks = encoder.depth * blockWeights(encoder);
  const decoderBlocks = (decoder.depth + plan.model.student.blocks) * blockWeights(decoder);
  const stack: 'encoder' | 'decoder' = encoderBlocks >= decoderBlocks ? 'encoder' : 'decoder';
  const sizes = plan.model[stack];
  // dim grows the weights as its square, depth linearly: name the key that is out of proportion.
  const key: KeySegment[] = ['model', stack, sizes.depth > sizes.dim ? 'depth' : 'dim'];
  const weights = modelWeights(plan);
  return { key, bytes: 4 * TRAINING_COPIES * weights, what: `a model of ${weights.toExponential(2)} weights (${sizes.dim} wide, ${sizes.depth} deep ${stack}) needs about ${gib(4 * TRAINING_COPIES * weights)} to train (weights, gradients and optimizer state)` };
}

/** The largest training step over the stages. */
function stepTerm(plan: Plan): MemoryTerm {
  const [height, width] = plan.data.size;
  let largest: MemoryTerm = { key: ['scoring', 'batch'], bytes: 0, what: '' };
  plan.stages.forEach((stage, index) => {
    const batch = Math.min(stage.batch, stage.micro_batch ?? stage.batch);
    const bytes = passBytes(plan, batch, true);
    if (bytes > largest.bytes) {
      const key: KeySegment[] = stage.micro_batch === null ? ['stages', index, 'batch'] : ['stages', index, 'micro_batch'];
      largest = { key, bytes, what: `a training step of ${batch} frames at ${height}x${width} needs about ${gib(bytes)}` };
    }
  });
  const scoring = passBytes(plan, plan.scoring.batch, false);
  if (scoring > largest.bytes) largest = { key: ['scoring', 'batch'], bytes: scoring, what: `scoring ${plan.scoring.batch} frames at ${height}x${width} needs about ${gib(scoring)}` };
  return largest;
}

/** What the listed synthetic videos hold: a store per video, and the masks and score maps of the test videos. */
function syntheticTerms(plan: Plan): MemoryTerm[] {
  const synthetic = plan.data.synthetic;
  if (plan.data.dataset !== 'synthetic' || synthetic === null) return [];
  const [videoHeight, videoWidth] = synthetic.resolution;
  const [height, width] = plan.data.size;
  const grid = planPatchGrid(plan);
  const perTestFrame = videoHeight * videoWidth + height * width + 3 * 4 * grid.rows * grid.cols + 64;
  const train = synthetic.train_videos * BYTES_PER_VIDEO;
  const test = synthetic.test_videos * (BYTES_PER_VIDEO + Math.min(synthetic.frames, MAX_VIDEO_FRAMES) * perTestFrame);
  return [
    { key: ['data', 'synthetic', 'train_videos'], bytes: train, what: `${synthetic.train_videos} training videos need about ${gib(train)} to list` },
    { key: ['data', 'synthetic', synthetic.test_videos * BYTES_PER_VIDEO > test / 2 ? 'test_videos' : 'frames'], bytes: test,
      what: `${synthetic.test_videos} test videos of ${synthetic.frames} frames need about ${gib(test)} for their masks and score maps` },
  ];
}

/**
 * The estimate of a Plan's peak memory, term by term. `resident`: the weights with their training copies and the
 * listed videos, held for the whole run whatever the engine; `step`: the largest training step or scoring batch,
 * whose activations live on the accelerator when there is one and shrink with micro_batch.
 */
export function memoryEstimate(plan: Plan): { resident: MemoryTerm[]; step: MemoryTerm } {
  return { resident: [weightsTerm(plan), ...syntheticTerms(plan)], step: stepTerm(plan) };
}

const largestOf = (terms: readonly MemoryTerm[]): MemoryTerm => terms.reduce((left, right) => (right.bytes > left.bytes ? right : left));
const total = (terms: readonly MemoryTerm[]): number => terms.reduce((sum, term) => sum + term.bytes, 0);

/**
 * All resource-bound problems of a schema-valid Plan. The resident memory must fit `memoryBytes`, the memory of the
 * machine that runs the Plan when the caller knows it; the whole estimate must stay under MAX_ESTIMATED_BYTES (a
 * Plan validated on a laptop may train on a larger GPU machine, so a step's activations are not held to the laptop).
 */
export function checkResources(plan: Plan, tree: RecipeNode, fallbackFile: string, memoryBytes: number | null = null): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const fail = (term: MemoryTerm, needs: number, bound: MemoryBound): void => {
    const key = formatKey(term.key);
    const message = `${term.what}; about ${gib(needs)} in all, ${bound.description}`;
    diagnostics.push(errorAt(positionAtPath(tree, term.key, fallbackFile), 'TOO_LARGE', key, message, { hint: HINTS[key.replace(/\.\d+\./, '.N.')] ?? 'use a smaller value' }));
  };
  const failAt = (path: KeySegment[], message: string, hint: string): void => {
    diagnostics.push(errorAt(positionAtPath(tree, path, fallbackFile), 'TOO_LARGE', formatKey(path), message, { hint }));
  };
  const [height, width] = plan.data.size;
  if (height * width * plan.data.context.length * 3 > MAX_ARRAY_ELEMENTS) {
    failAt(['data', 'size'], `a ${height}x${width} frame is too large: one model input would hold ${height * width * plan.data.context.length * 3} values`, 'use a smaller data.size (frames are resized to it)');
    return diagnostics;
  }
  const synthetic = plan.data.dataset === 'synthetic' ? plan.data.synthetic : null;
  if (synthetic !== null) {
    const [videoHeight, videoWidth] = synthetic.resolution;
    if (synthetic.frames > MAX_VIDEO_FRAMES) {
      failAt(['data', 'synthetic', 'frames'], `${synthetic.frames} frames per video is more than the ${MAX_VIDEO_FRAMES} a video may have`, 'use fewer frames');
    }
    if (videoHeight * videoWidth * 3 > MAX_ARRAY_ELEMENTS) {
      failAt(['data', 'synthetic', 'resolution'], `a ${videoHeight}x${videoWidth} generated frame is too large`, 'use a smaller resolution');
    }
  }
  if (diagnostics.length > 0) return diagnostics;
  const { resident, step } = memoryEstimate(plan);
  const machine = memoryBound(memoryBytes);
  if (total(resident) > machine.bytes) {
    fail(largestOf(resident), total(resident), machine);
    return diagnostics;
  }
  const absolute = memoryBound(null);
  if (total(resident) + step.bytes > absolute.bytes) fail(largestOf([...resident, step]), total(resident) + step.bytes, absolute);
  return diagnostics;
}

/** How to shrink each term. */
const HINTS: Record<string, string> = {
  'model.encoder.dim': 'use a narrower model (model.encoder.dim)',
  'model.encoder.depth': 'use fewer blocks (model.encoder.depth)',
  'model.decoder.dim': 'use a narrower decoder (model.decoder.dim)',
  'model.decoder.depth': 'use fewer decoder blocks (model.decoder.depth)',
  'stages.N.batch': 'lower the batch, set a micro_batch, or lower data.size or the model dimensions',
  'stages.N.micro_batch': 'lower the micro_batch, data.size or the model dimensions',
  'scoring.batch': 'lower scoring.batch or data.size',
  'data.synthetic.train_videos': 'use fewer training videos',
  'data.synthetic.test_videos': 'use fewer test videos',
  'data.synthetic.frames': 'use fewer or shorter videos',
};
