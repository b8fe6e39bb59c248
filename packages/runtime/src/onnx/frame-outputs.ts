// Raw per-patch predictions (BatchPredictions) -> the per-patch summary the scorer takes (FrameOutputs), for
// engines other than TF.js. The same sums, in the same order, as model/inference.ts `inferBatch` (which does this
// inline for TF.js); the ONNX parity test compares the two field by field, so a change there shows up here.
import type { BatchPredictions, FrameOutputs, PatchErrors } from '../model/inference.ts';
import { unpatchify } from '../model/patches.ts';

const errors = (count: number): PatchErrors => ({ l1: new Float32Array(count), l2: new Float32Array(count) });

/** Summarises a batch's predictions per patch; `frames` = the batch's frame indices. */
export function frameOutputsFromPredictions(predictions: BatchPredictions, frames: number[], reconstructions = false): FrameOutputs {
  const { batch, grid, frameChannels, anomalyChannels, teacher, student, target } = predictions;
  const tokens = grid.rows * grid.cols;
  const channels = frameChannels + anomalyChannels;
  const pixels = grid.patch * grid.patch;
  const result: FrameOutputs = {
    size: batch, frames, rows: grid.rows, cols: grid.cols, hidden: predictions.hidden,
    teacherError: errors(batch * tokens), anomalyError: anomalyChannels > 0 ? errors(batch * tokens) : null,
    discrepancy: errors(batch * tokens), anomalyMap: anomalyChannels > 0 ? new Float32Array(batch * tokens) : null,
    classifier: predictions.classifier, teacher: null, student: null,
  };
  const share = { frame: pixels * frameChannels, all: pixels * channels, anomaly: pixels * anomalyChannels };
  const sums = new Float64Array(7); // discrepancy l1, l2; teacher l1, l2; anomaly l1, l2, map
  for (let patch = 0; patch < batch * tokens; patch++) {
    sums.fill(0);
    for (let at = patch * pixels * channels; at < (patch + 1) * pixels * channels; at++) {
      const c = at % channels;
      const t = teacher[at] ?? 0;
      const gap = t - (student[at] ?? 0);
      sums[0]! += Math.abs(gap);
      sums[1]! += gap * gap;
      if (c < frameChannels) {
        const e = t - (target[at] ?? 0);
        sums[2]! += Math.abs(e);
        sums[3]! += e * e;
      } else {
        sums[4]! += Math.abs(t + 1);
        sums[5]! += (t + 1) * (t + 1);
        sums[6]! += (t + 1) / 2;
      }
    }
    const [d1 = 0, d2 = 0, t1 = 0, t2 = 0, a1 = 0, a2 = 0, map = 0] = sums;
    result.discrepancy.l1[patch] = d1 / share.all;
    result.discrepancy.l2[patch] = d2 / share.all;
    result.teacherError.l1[patch] = t1 / share.frame;
    result.teacherError.l2[patch] = t2 / share.frame;
    if (result.anomalyError !== null && result.anomalyMap !== null) {
      result.anomalyError.l1[patch] = a1 / share.anomaly;
      result.anomalyError.l2[patch] = a2 / share.anomaly;
      result.anomalyMap[patch] = map / share.anomaly;
    }
  }
  if (reconstructions) {
    result.teacher = unpatchify(teacher, batch, grid, channels);
    result.student = unpatchify(student, batch, grid, channels);
  }
  return result;
}
