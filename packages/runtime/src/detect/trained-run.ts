// Opening a trained run for the commands that use its model (eval, score, export, sweep): the run folder, its
// resolved plan.json, and the model rebuilt from the plan with the checkpoint's weights.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HASH_RULE, planHash, type Plan } from '@vadc/dsl';
import { assignWeights, loadCheckpoint } from '../train/state.ts';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { UsageError } from '../run-io.ts';
import { CheckFailedError } from '../run-io.ts';
import { checkpointPath, readRun, selectedCheckpointPath, type RunFolder } from '../run-folder/run-folder.ts';

/** The run folder `folder` (relative to `cwd`) and its plan; a usage error when it is not a trained run. */
export async function readTrainedRun(folder: string, cwd: string): Promise<{ run: RunFolder; plan: Plan }> {
  const run = await readRun(resolve(cwd, folder));
  if (run === null) throw new UsageError(`${folder} is not a run folder (no readable run.json)`);
  if (!existsSync(checkpointPath(run))) throw new UsageError(`${folder} has no trained model (${checkpointPath(run)} is missing): train it with vadc run --resume`);
  return { run, plan: await readRunPlan(run) };
}

/**
 * The run's plan.json, checked against the recipe hash run.json recorded when the run started: an edited plan
 * (another `data.size`, other scoring weights) would silently give numbers that no recipe describes.
 */
export async function readRunPlan(run: RunFolder): Promise<Plan> {
  const path = join(run.directory, 'plan.json');
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new CheckFailedError(`${path} is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (run.record.hashRule !== HASH_RULE) {
    throw new CheckFailedError(`${join(run.directory, 'run.json')}: its recipe hash was made by hash rule ${run.record.hashRule ?? '1 (none recorded)'}, this vadc hashes by rule ${HASH_RULE}: run the recipe again with this vadc`);
  }
  const hash = await planHash(plan);
  if (hash !== run.record.hash) {
    throw new CheckFailedError(`${path} does not match the run's recipe hash (run.json ${run.record.hash.slice(0, 12)}, plan.json ${hash.slice(0, 12)}): it was edited after the run started`);
  }
  return plan;
}

/** The run's model with its trained weights (the selected epoch's under `validation.selection: best`), built on the current backend (select the backend first). */
export async function loadTrainedModel(run: RunFolder, plan: Plan): Promise<MaskedAutoencoder> {
  const model = createModel(plan);
  assignWeights(model, (await loadCheckpoint(selectedCheckpointPath(run, plan))).weights);
  return model;
}
