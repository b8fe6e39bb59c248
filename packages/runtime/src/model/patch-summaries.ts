// The scorer's per-patch summaries of a batch's predictions, declared once: the FrameOutputs field each fills, the
// per-value term it reduces, which of a patch's values it reads and how it reduces them. Two interpreters read this
// list: model/inference.ts `inferBatch` sums the terms in JS (the TF.js engine) and onnx/scoring-graph.ts adds them to
// the ONNX scoring graph as outputs, which onnx/onnx-inference.ts reads back into the same fields. Predictions are
// planar per patch: p*p*F frame values, then p*p*A anomaly values (pixels row by row, channels innermost).

/** An L1 and an L2 value per patch, [B * L]. */
export interface PatchErrors {
  l1: Float32Array;
  l2: Float32Array;
}

/** The summaries of a batch, per patch ([B * L], patches row by row): the fields of FrameOutputs they fill. */
export interface PatchSummaryFields {
  /** Teacher prediction vs the current frame, mean over the patch's pixels and frame channels. */
  teacherError: PatchErrors;
  /** Teacher's anomaly channels vs -1 ("no anomaly"), mean over pixels; null without an anomaly-map head. */
  anomalyError: PatchErrors | null;
  /** Teacher - student, mean over pixels and all output channels. */
  discrepancy: PatchErrors;
  /** Predicted anomaly map mapped to [0, 1] ((v + 1) / 2), mean over the patch; null without the head. */
  anomalyMap: Float32Array | null;
}

/**
 * The per-value term: `teacherError` teacher - current frame (on the frame values), `discrepancy` teacher - student,
 * `anomaly` teacher + 1 (the anomaly channels against -1, "no anomaly").
 */
export type SummaryTerm = 'teacherError' | 'discrepancy' | 'anomaly';

/** One per-patch summary. */
export interface PatchSummary {
  /** The FrameOutputs field it fills. */
  field: keyof PatchSummaryFields;
  term: SummaryTerm;
  /** Which of a patch's values it reads: the frame channels, all, or the anomaly channels. */
  values: 'frame' | 'all' | 'anomaly';
  /**
   * `errors`: the means of |term| (l1) and term^2 (l2); `half-mean`: the mean of term / 2 (the anomaly map: teacher
   * + 1 mapped to [0, 1]).
   */
  reduce: 'errors' | 'half-mean';
  /** The scoring graph's output names: [l1, l2] for `errors`, [mean] for `half-mean`. */
  outputs: readonly string[];
  /** Whether only a model with anomaly-map channels has it. */
  anomalyHead: boolean;
}

/** Every per-patch summary, in the order the scoring graph computes them. */
export const PATCH_SUMMARIES: readonly PatchSummary[] = [
  { field: 'teacherError', term: 'teacherError', values: 'frame', reduce: 'errors', outputs: ['teacher_error_l1', 'teacher_error_l2'], anomalyHead: false },
  { field: 'discrepancy', term: 'discrepancy', values: 'all', reduce: 'errors', outputs: ['discrepancy_l1', 'discrepancy_l2'], anomalyHead: false },
  { field: 'anomalyError', term: 'anomaly', values: 'anomaly', reduce: 'errors', outputs: ['anomaly_error_l1', 'anomaly_error_l2'], anomalyHead: true },
  { field: 'anomalyMap', term: 'anomaly', values: 'anomaly', reduce: 'half-mean', outputs: ['anomaly_map'], anomalyHead: true },
];

/** The summaries of a model with `anomalyChannels` anomaly-map channels. */
export function patchSummaries(anomalyChannels: number): PatchSummary[] {
  return PATCH_SUMMARIES.filter((summary) => !summary.anomalyHead || anomalyChannels > 0);
}

/** The summary fields from each summary's values (`errors`: PatchErrors, `half-mean`: one array); absent ones null. */
export function summaryFields(values: ReadonlyMap<keyof PatchSummaryFields, PatchErrors | Float32Array>): PatchSummaryFields {
  return {
    teacherError: values.get('teacherError') as PatchErrors,
    anomalyError: (values.get('anomalyError') as PatchErrors | undefined) ?? null,
    discrepancy: values.get('discrepancy') as PatchErrors,
    anomalyMap: (values.get('anomalyMap') as Float32Array | undefined) ?? null,
  };
}

/** The scoring graph's summary output names for a model with `anomalyChannels` anomaly-map channels, in order. */
export function patchSummaryOutputs(anomalyChannels: number): string[] {
  return patchSummaries(anomalyChannels).flatMap((summary) => summary.outputs);
}
