// The scorer's JS-side work moved into the graph, where onnxruntime does it in native code over all threads:
// cutting frames into patches (model/patches.ts `patchify`) and the per-patch summaries of model/inference.ts
// `inferBatch` (teacher error vs the current frame, teacher-student discrepancy, anomaly-channel error and map, each
// a mean over the patch's values), declared once in model/patch-summaries.ts; this file is its ONNX interpreter. At
// 320x640 these loops cost about a third of the model's own time in JS.
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { PATCH_AXES, patchSplit } from '../model/patches.ts';
import { PATCH_SUMMARIES, patchSummaries, type PatchSummary, type SummaryTerm } from '../model/patch-summaries.ts';
import { int, ints, OnnxType, type OnnxDimension, type OnnxGraph } from './onnx-graph.ts';

/** The outputs of the summary declared for `field` (model/patch-summaries.ts). */
const summaryOutputs = (field: PatchSummary['field']): readonly string[] => PATCH_SUMMARIES.find((summary) => summary.field === field)?.outputs ?? [];

/** Names of the scoring graph's extra input and outputs (the summaries' names are declared in model/patch-summaries.ts). */
export const SCORING_NAMES = {
  frames: 'frames',
  teacherErrorL1: summaryOutputs('teacherError')[0]!,
  teacherErrorL2: summaryOutputs('teacherError')[1]!,
  discrepancyL1: summaryOutputs('discrepancy')[0]!,
  discrepancyL2: summaryOutputs('discrepancy')[1]!,
  anomalyErrorL1: summaryOutputs('anomalyError')[0]!,
  anomalyErrorL2: summaryOutputs('anomalyError')[1]!,
  anomalyMap: summaryOutputs('anomalyMap')[0]!,
} as const;

/** Declares the `frames` input [B, H, W, C] and returns it cut into patches [B, L, p*p*C] (model/patches.ts's layout). */
export function framesInput(graph: OnnxGraph, model: MaskedAutoencoder, batch: OnnxDimension): string {
  const { patch, rows, cols } = model.grid;
  const channels = model.inputChannels;
  const frames = graph.input(SCORING_NAMES.frames, OnnxType.float, [batch, rows * patch, cols * patch, channels]);
  // The patch layout of model/patches.ts: [B, r, p, c, p, C] -> [B, r, c, p, p, C] -> [B, L, p*p*C].
  const split = graph.node('Reshape', [frames, graph.int64s([-1, ...patchSplit(model.grid, channels)])], {}, 'frames/split');
  const grouped = graph.node('Transpose', [split], { perm: ints([...PATCH_AXES]) }, 'frames/grouped');
  return graph.node('Reshape', [grouped, graph.int64s([-1, rows * cols, patch * patch * channels])], {}, 'frames/patches');
}

/** Adds the per-patch summaries [B, L] of teacher / student predictions [B, L, V] as graph outputs (model/patch-summaries.ts). */
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

  // Each term as a node, built when a summary first reads it, with the axes a patch's mean runs over and the scope
  // its summaries' nodes are named in.
  const builders: Record<SummaryTerm, () => { value: string; axes: number[]; scope: string }> = {
    teacherError: () => {
      const framePart = graph.node('Reshape', [valueSlice(teacher, 0, pixels * f, 'score/teacher_frame_values'), graph.int64s([0, tokens, pixels, f])], {}, 'score/teacher_frame'); // [B, L, p*p, F]
      const inputPixels = graph.node('Reshape', [patches, graph.int64s([0, tokens, pixels, model.inputChannels])], {}, 'score/input_pixels');
      const current = channelSlice(inputPixels, 3 * model.currentFrame, 3 * model.currentFrame + f, 'score/current_frame'); // [B, L, p*p, F]
      return { value: graph.node('Sub', [framePart, current], {}, 'score/teacher_error'), axes: [2, 3], scope: 'score/teacher' };
    },
    discrepancy: () => ({ value: graph.node('Sub', [teacher, student], {}, 'score/discrepancy'), axes: [2], scope: 'score/discrepancy' }), // [B, L, V]
    anomaly: () => ({
      value: graph.node('Add', [valueSlice(teacher, pixels * f, pixels * (f + a), 'score/anomaly'), graph.scalar('score.one', 1)], {}, 'score/anomaly_shifted'), // [B, L, p*p*A]
      axes: [2], scope: 'score/anomaly',
    }),
  };
  const terms = new Map<SummaryTerm, { value: string; axes: number[]; scope: string }>();
  for (const summary of patchSummaries(a)) {
    const term = terms.get(summary.term) ?? builders[summary.term]();
    terms.set(summary.term, term);
    const { value, axes, scope } = term;
    const [first, second] = summary.outputs as [string, string?];
    if (summary.reduce === 'errors') {
      output(mean(abs(value, `${scope}_abs`), axes, `${scope}_l1`), first);
      output(mean(square(value, `${scope}_square`), axes, `${scope}_l2`), second as string);
    } else {
      output(graph.node('Mul', [mean(value, axes, `${scope}_mean`), graph.scalar('score.half', 0.5)], {}, `${scope}_map`), first);
    }
  }
}
