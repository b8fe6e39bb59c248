// Opening a trained run for the commands that use its model (eval, score, export, sweep): the run folder, its
// resolved plan.json, and the model rebuilt from the plan with the checkpoint's weights.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { assignWeights, createModel, loadCheckpoint, type MaskedAutoencoder } from '@vadc/runtime';
import { UsageError } from '../command.ts';
import { checkpointPath, readRun, type RunFolder } from './run-folder.ts';

/** The run folder `folder` (relative to `cwd`) and its plan; a usage error when it is not a trained run. */
export async function readTrainedRun(folder: string, cwd: string): Promise<{ run: RunFolder; plan: Plan }> {
  const run = await readRun(resolve(cwd, folder));
  if (run === null) throw new UsageError(`${folder} is not a run folder (no readable run.json)`);
  if (!existsSync(checkpointPath(run))) throw new UsageError(`${folder} has no trained model (${checkpointPath(run)} is missing): train it with vadc run --resume`);
  const plan = JSON.parse(await readFile(join(run.directory, 'plan.json'), 'utf8')) as Plan;
  return { run, plan };
}

/** The run's model with its trained weights, built on the current backend (select the backend first). */
export async function loadTrainedModel(run: RunFolder, plan: Plan): Promise<MaskedAutoencoder> {
  const model = createModel(plan);
  assignWeights(model, (await loadCheckpoint(checkpointPath(run))).weights);
  return model;
}
