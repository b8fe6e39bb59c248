// A trained run as a model package (`vadc export`): the run's selected weights on a TF.js backend, the scoring graph
// built from them (onnx/model-package.ts; int8 when asked), the calibrated threshold if the run has one, written as
// model.onnx + vadc-model.json. `vadc score <package> ...` and the Python reference scorer run it.
import { join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { describeBackend, selectBackend } from '../backend/select-backend.ts';
import { buildModelPackage, type ModelManifest } from '../onnx/model-package.ts';
import type { ScoringPrecision } from '../onnx/quantize.ts';
import { packageThreshold, readCalibration } from './calibration-file.ts';
import { writeModelPackage } from './model-package.ts';
import { decisionSmoothing, describeDecisionSmoothing } from './score-input.ts';
import { loadTrainedModel, readTrainedRun } from './trained-run.ts';

/** Options of exportRun. */
export interface ExportOptions {
  cwd: string;
  /** Package folder (relative to `cwd`); null: `<run>/package`. */
  out: string | null;
  /** TF.js backend the weights are loaded on; null: the recipe's runtime.backend. */
  backend: string | null;
  /** Standard ONNX operators only (any runtime) instead of onnxruntime's fused attention. */
  portable: boolean;
  /** The graph's arithmetic; null: the recipe's runtime.precision. */
  precision: ScoringPrecision | null;
  /** Notes, one line each (the backend, a missing calibration). */
  log: (text: string) => void;
}

/** The package written: its folder, graph size and manifest; the plan and recipe hash of the run it came from. */
export interface ExportedPackage {
  directory: string;
  graphBytes: number;
  manifest: ModelManifest;
  plan: Plan;
  recipeHash: string;
}

/** Exports the trained run at `folder` (relative to `options.cwd`) as a model package. */
export async function exportRun(folder: string, options: ExportOptions): Promise<ExportedPackage> {
  const { run, plan } = await readTrainedRun(folder, options.cwd);
  // A fresh process has no TF.js backend yet: the checkpoint's weights need one to become tensors.
  const backend = await selectBackend((options.backend ?? plan.runtime.backend) as Plan['runtime']['backend'], { threads: plan.runtime.threads });
  options.log(`backend: ${describeBackend(backend)}`);
  const model = await loadTrainedModel(run, plan);
  const calibration = await readCalibration(run.directory);
  let built: ReturnType<typeof buildModelPackage>;
  try {
    built = buildModelPackage(model, plan, {
      recipeHash: run.record.hash,
      datasetFingerprint: run.record.datasetFingerprint?.digest ?? null,
      threshold: packageThreshold(calibration),
      fusedAttention: !options.portable,
      precision: options.precision ?? plan.runtime.precision ?? 'fp32',
      decisionSmoothing: { live: decisionSmoothing(plan), description: describeDecisionSmoothing(plan) },
    });
  } finally {
    model.params.dispose();
  }
  const directory = resolve(options.cwd, options.out ?? join(run.directory, 'package'));
  await writeModelPackage(directory, built.graph, built.manifest);
  if (calibration === null) options.log('note: the run has no calibration (vadc calibrate), so the package carries no threshold');
  return { directory, graphBytes: built.graph.length, manifest: built.manifest, plan, recipeHash: run.record.hash };
}
