// A batch scored under every test-time mask of plan.scoring.test_masks (model/test-mask.ts), folded into one
// FrameOutputs: each per-patch component is the mean over the passes that hid the patch (complementary passes hide
// every patch once), or over all passes where no pass hid it; the classifier probability is the mean over passes.
// One pass returns the engine's outputs unchanged, so one-mask scoring costs nothing extra.
import type { TestMasksPlan } from '@vadc/dsl';
import type { TestBatch } from '../data/types.ts';
import type { FrameOutputs, PatchErrors } from '../model/inference.ts';
import { testMaskPasses, testMasksOf, type TestMaskPass } from '../model/test-mask.ts';
import type { BatchInference } from './batch-inference.ts';

/**
 * Runs `batch` under each test-time mask of `scoring.test_masks` (or under `given`, masks given instead of drawn:
 * score/given-test-masks.ts) and folds the outputs (see above).
 */
export async function inferWithTestMasks(infer: BatchInference, batch: TestBatch, scoring: { test_masks?: TestMasksPlan }, given?: readonly TestMaskPass[]): Promise<FrameOutputs> {
  const passes = given ?? testMaskPasses(testMasksOf(scoring));
  const outputs: FrameOutputs[] = [];
  for (const pass of passes) outputs.push(await infer(batch, pass));
  return outputs.length === 1 ? (outputs[0] as FrameOutputs) : foldPasses(outputs);
}

/** The per-patch mean of several passes' outputs over the passes that hid each patch (all passes where none did). */
export function foldPasses(passes: readonly FrameOutputs[]): FrameOutputs {
  const first = passes[0] as FrameOutputs;
  const patches = first.hidden.length;
  // weight[p * P + k]: 1 / (passes counted for patch p) when pass k counts for p, else 0.
  const weight = new Float64Array(patches * passes.length);
  for (let patch = 0; patch < patches; patch++) {
    let hiddenIn = 0;
    for (const pass of passes) hiddenIn += pass.hidden[patch] === 1 ? 1 : 0;
    passes.forEach((pass, k) => {
      const counts = hiddenIn === 0 || pass.hidden[patch] === 1;
      weight[patch * passes.length + k] = counts ? 1 / (hiddenIn === 0 ? passes.length : hiddenIn) : 0;
    });
  }
  const mean = (pick: (outputs: FrameOutputs) => Float32Array): Float32Array => {
    const result = new Float32Array(patches);
    for (let patch = 0; patch < patches; patch++) {
      let sum = 0;
      passes.forEach((pass, k) => { sum += weight[patch * passes.length + k]! * (pick(pass)[patch] ?? 0); });
      result[patch] = sum;
    }
    return result;
  };
  const errors = (pick: (outputs: FrameOutputs) => PatchErrors | null): PatchErrors | null =>
    pick(first) === null ? null : { l1: mean((outputs) => (pick(outputs) as PatchErrors).l1), l2: mean((outputs) => (pick(outputs) as PatchErrors).l2) };
  const classifier = first.classifier === null ? null : Float32Array.from(first.classifier, (_, frame) => passes.reduce((sum, pass) => sum + (pass.classifier?.[frame] ?? 0), 0) / passes.length);
  return {
    ...first,
    hidden: Float32Array.from(first.hidden, (_, patch) => (passes.some((pass) => pass.hidden[patch] === 1) ? 1 : 0)),
    teacherError: errors((outputs) => outputs.teacherError) as PatchErrors,
    anomalyError: errors((outputs) => outputs.anomalyError),
    discrepancy: errors((outputs) => outputs.discrepancy) as PatchErrors,
    anomalyMap: first.anomalyMap === null ? null : mean((outputs) => outputs.anomalyMap as Float32Array),
    classifier,
    teacher: null,
    student: null,
  };
}
