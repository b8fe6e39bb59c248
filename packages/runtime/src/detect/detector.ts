// A detector: what `vadc score` and `vadc calibrate` score with, opened from a run folder (its checkpoint, on TF.js or
// onnxruntime) or from a model package (its graph, on onnxruntime, no TF.js). Both give the scorer the same
// BatchInference and say which threshold they carry, so everything after opening is one code path.
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { EngineName, Plan, TrainEngineName } from '@vadc/dsl';
import { createEngine } from '../engines/create-engine.ts';
import { describeBackend, selectBackend } from '../backend/select-backend.ts';
import { describeEngine } from '../engines/choose-engine.ts';
import { openModelPackage, type PackageThreshold } from '../onnx/model-package.ts';
import { type BatchInference, type Engine } from '../engine/engine.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { UsageError } from '../run-io.ts';
import { readCalibration, packageThreshold } from './calibration-file.ts';
import { resolveEngine } from '../engines/engine-choice.ts';
import { isModelPackage, readModelPackage } from './model-package.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import { loadTrainedModel, readTrainedRun } from './trained-run.ts';

/** An opened model with its plan and operating threshold. */
export interface Detector {
  kind: 'run' | 'package';
  /** The run folder or package folder. */
  path: string;
  /** The run, when opened from one. */
  run: RunFolder | null;
  plan: Plan;
  recipeHash: string;
  /** The calibrated threshold (calibration.json, or the package's manifest), or null. */
  threshold: PackageThreshold | null;
  engine: TrainEngineName;
  /** Engine and backend in words, for logs and provenance. */
  description: string;
  /** Folder for the disk cache of decoded inputs (beside the runs, or the system's temporary folder for a package). */
  cacheDir: string;
  infer: BatchInference;
  release(): Promise<void>;
}

/** How to open a detector. */
export interface DetectorOptions {
  /** Scoring engine of a run folder (default: its runtime.engine, resolved here); a package always runs on onnx. */
  engine?: EngineName | null;
  /** TF.js backend instead of the recipe's. */
  backend?: string | null;
}

/** Opens `path` (relative to `cwd`): a model package folder (or its vadc-model.json), else a trained run folder. */
export async function openDetector(path: string, cwd: string, options: DetectorOptions = {}): Promise<Detector> {
  const absolute = resolve(cwd, path);
  if (isModelPackage(absolute)) {
    if (options.engine === 'tfjs') throw new UsageError('a model package runs on onnxruntime: drop --engine tfjs, or score the run folder');
    const loaded = await readModelPackage(absolute);
    const plan = loaded.manifest.plan;
    const threads = plan.runtime.threads === 'auto' ? undefined : plan.runtime.threads;
    const onnx = await openModelPackage(loaded.graph, loaded.manifest, { threads });
    return {
      kind: 'package', path: loaded.directory, run: null, plan, recipeHash: loaded.manifest.recipe.hash, threshold: loaded.manifest.threshold,
      engine: 'onnx', description: `onnx (onnxruntime-node, ${onnx.threads} threads), package ${loaded.directory}`, cacheDir: join(tmpdir(), 'vadc-cache'),
      infer: onnx.infer, release: onnx.release,
    };
  }
  const { run, plan } = await readTrainedRun(path, cwd);
  const requested = (options.backend ?? plan.runtime.backend) as Plan['runtime']['backend'];
  const backend = await selectBackend(requested, { threads: plan.runtime.threads });
  const engine = await resolveEngine(plan, options.engine ?? null, options.backend ?? null, null);
  const detector = await detectorFromModel(run, plan, await loadTrainedModel(run, plan), createEngine(engine.engine), describeBackend(backend));
  return { ...detector, description: `${detector.description} (${describeEngine(engine)})` };
}

/** A detector on a model already in memory (`vadc run` calibrating right after training). */
export async function detectorFromModel(run: RunFolder, plan: Plan, model: MaskedAutoencoder, engine: Engine, backend: string): Promise<Detector> {
  const { infer, release } = await engine.openInference(model, plan);
  return {
    kind: 'run', path: run.directory, run, plan, recipeHash: run.record.hash, threshold: packageThreshold(await readCalibration(run.directory)),
    engine: engine.name, description: `${engine.name}${engine.name === 'tfjs' ? ` on ${backend}` : ''}, run ${run.directory}`,
    cacheDir: join(dirname(dirname(run.directory)), '.vadc-cache'), infer, release,
  };
}
