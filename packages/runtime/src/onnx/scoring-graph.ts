// The scorer's JS-side work moved into the graph, where onnxruntime does it in native code over all threads:
// cutting frames into patches (model/patches.ts `patchify`) and the per-patch summaries of model/inference.ts
// `inferBatch` (teacher error vs the current frame, teacher-student discrepancy, anomaly-channel error and map, each
// a mean over the patch's values). At 320x640 these loops cost about a third of the model's own time in JS.
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { int, ints, OnnxType, type OnnxDimension, type OnnxGraph } from './onnx-graph.ts';

/** Names of the scoring graph's extra input and outputs. */
export const SCORING_NAMES = {
  frames: 'frames',
  teacherErrorL1: 'teacher_error_l1',
  teacherErrorL2: 'teacher_error_l2',
  discrepancyL1: 'discrepancy_l1',
  discrepancyL2: 'discrepancy_l2',
  anomalyErrorL1: 'anomaly_error_l1',
  anomalyErrorL2: 'anomaly_error_l2',
  anomalyMap: 'anomaly_map',
} as const;

/** Declares the `frames` input [B, H, W, C] and returns it cut into patches [B, L, p*p*C] (pixels row by row, channels innermost). */
export function framesInput(graph: OnnxGraph, model: MaskedAutoencoder, batch: OnnxDimension): string {
  const { patch, rows, cols } = model.grid;
  const channels = model.inputChannels;
  const frames = graph.input(SCORING_NAMES.frames, OnnxType.float, [batch, rows * patch, cols * patch, channels]);
  const split = graph.node('Reshape', [frames, graph.int64s([-1, rows, patch, cols, patch, channels])], {}, 'frames/split'); // [B, r, p, c, p, C]
  const grouped = graph.node('Transpose', [split], { perm: ints([0, 1, 3, 2, 4, 5]) }, 'frames/grouped'); // [B, r, c, p, p, C]
  return graph.node('Reshape', [grouped, graph.int64s([-1, rows * cols, patch * patch * channels])], {}, 'frames/patches');
}

/** Adds the per-patch summaries [B, L] of teacher / student predictions [B, L, V] as graph outputs. */
export function scoreOutputs(graph: OnnxGraph, model: MaskedAutoencoder, patches: string, teacher: string, student: string, batch: OnnxDimension): void {
  const { patch, rows, cols } = model.grid;
  const tokens = rows * cols;
  const pixels = patch * patch;
  const f = model.frameChannels;
  const a = model.anomalyChannels;
  const mean = (x: string, axes: number[], scope: string): string => graph.node('ReduceMean', [x], { axes: ints(axes), keepdims: int(0) }, scope);
  const square = (x: string, scope: string): string => graph.node('Mul', [x, x], {}, scope);
  const abs = (x: string, scope: string): string => graph.node('Abs', [x], {}, scope);
  const channelSlice = (x: string, from: number, to: number, scope: string): string =>
    graph.node('Slice', [x, graph.int64s([from]), graph.int64s([to]), graph.int64s([3])], {}, scope);
  const output = (value: string, name: string): void => graph.output(value, name, OnnxType.float, [batch, tokens]);

  // Predictions are planar per patch: p*p*F frame values (pixels row by row, channels innermost), then p*p*A.
  const valueSlice = (x: string, from: number, to: number, scope: string): string =>
    graph.node('Slice', [x, graph.int64s([from]), graph.int64s([to]), graph.int64s([2])], {}, scope);
  const framePart = graph.node('Reshape', [valueSlice(teacher, 0, pixels * f, 'score/teacher_frame_values'), graph.int64s([0, tokens, pixels, f])], {}, 'score/teacher_frame'); // [B, L, p*p, F]
  const inputPixels = graph.node('Reshape', [patches, graph.int64s([0, tokens, pixels, model.inputChannels])], {}, 'score/input_pixels');
  const current = channelSlice(inputPixels, 3 * model.currentFrame, 3 * model.currentFrame + f, 'score/current_frame'); // [B, L, p*p, F]
  const error = graph.node('Sub', [framePart, current], {}, 'score/teacher_error');
  output(mean(abs(error, 'score/teacher_abs'), [2, 3], 'score/teacher_l1'), SCORING_NAMES.teacherErrorL1);
  output(mean(square(error, 'score/teacher_square'), [2, 3], 'score/teacher_l2'), SCORING_NAMES.teacherErrorL2);

  const gap = graph.node('Sub', [teacher, student], {}, 'score/discrepancy'); // [B, L, V]
  output(mean(abs(gap, 'score/discrepancy_abs'), [2], 'score/discrepancy_l1'), SCORING_NAMES.discrepancyL1);
  output(mean(square(gap, 'score/discrepancy_square'), [2], 'score/discrepancy_l2'), SCORING_NAMES.discrepancyL2);

  if (a === 0) return;
  // The anomaly channels against -1 ("no anomaly"), and the map (v + 1) / 2.
  const shifted = graph.node('Add', [valueSlice(teacher, pixels * f, pixels * (f + a), 'score/anomaly'), graph.scalar('score.one', 1)], {}, 'score/anomaly_shifted'); // [B, L, p*p*A]
  output(mean(abs(shifted, 'score/anomaly_abs'), [2], 'score/anomaly_l1'), SCORING_NAMES.anomalyErrorL1);
  output(mean(square(shifted, 'score/anomaly_square'), [2], 'score/anomaly_l2'), SCORING_NAMES.anomalyErrorL2);
  output(graph.node('Mul', [mean(shifted, [2], 'score/anomaly_mean'), graph.scalar('score.half', 0.5)], {}, 'score/anomaly_map'), SCORING_NAMES.anomalyMap);
}
