// `vadc import`: an official aed-mae checkpoint (and its student checkpoint) as a finished vadc run folder, ready for
// `vadc eval`, `export`, `calibrate` and `score`. The recipe supplies what a checkpoint does not hold (the data, the
// scoring, the attention heads, which no tensor shape reveals); the checkpoint overrides every key its tensors and
// args fix (runtime/import/official-checkpoint.ts officialModelShape), and the run's recipe.yaml is the result.
// Reading never runs the checkpoint's pickle (runtime/import/pickle.ts): a pickle naming os.system and the like is
// refused before anything is written.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HASH_RULE, parseKey, renderPlanYaml, valueAtKey, type Plan } from '@vadc/dsl';
import { assignWeights, saveCheckpoint } from '../train/state.ts';
import { createModel } from '../model/autoencoder.ts';
import { describeBackend, selectBackend } from '../backend/select-backend.ts';
import { mergeOfficialStateDicts, officialModelShape, officialWeights, readOfficialCheckpoint, type OfficialCheckpoint } from '../import/official-checkpoint.ts';
import type { CommandIO } from '../run-io.ts';
import { loadRecipe, optionList } from './recipe-reader.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run-folder/files.ts';
import { machineInfo } from '../run-folder/machine.ts';
import { checkpointPath, runIdFromDate, type RunFolder } from '../run-folder/run-folder.ts';
import { createRun, moveRun } from '../run-folder/run-state.ts';

/** What `vadc import` was asked to do. */
export interface ImportRequest {
  /** The teacher checkpoint (checkpoint-best.pth), as given. */
  checkpoint: string;
  /** The student checkpoint (checkpoint-best-student.pth), or null: then the student weights come from `checkpoint`. */
  student: string | null;
  recipe: string;
  /** The parsed command-line values (--set, --allow-env, --root, --name, --backend). */
  values: Record<string, unknown>;
  outRoot: string;
}

/** The run folder written, and what the checkpoint changed in the recipe. */
export interface ImportResult {
  run: RunFolder;
  plan: Plan;
  /** Recipe keys the checkpoint set to another value than the recipe had: `key: recipe -> checkpoint`. */
  changed: string[];
}

/** Imports the checkpoint(s) into a new run folder under `request.outRoot`; null when the recipe is invalid (printed). */
export async function importOfficialCheckpoint(request: ImportRequest, io: CommandIO): Promise<ImportResult | null> {
  const teacher = await readCheckpointFile(request.checkpoint, io);
  const student = request.student === null ? null : await readCheckpointFile(request.student, io);
  const stateDict = mergeOfficialStateDicts(teacher, student);
  const shape = officialModelShape(stateDict, teacher.args, request.checkpoint);
  for (const note of shape.notes) io.stderr(`note: ${note}\n`);

  const userSets = optionList(request.values.set);
  const name = typeof request.values.name === 'string' ? [`name=${request.values.name}`] : [];
  const asRecipe = await loadRecipe(request.recipe, { ...request.values, set: [...userSets, ...name] }, io);
  if (asRecipe === null) return null;
  const checkpointSets = [...shape.values].map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const loaded = await loadRecipe(request.recipe, { ...request.values, set: [...userSets, ...name, ...checkpointSets] }, io);
  if (loaded === null) return null;
  const at = (plan: Plan, key: string) => JSON.stringify(valueAtKey(plan, parseKey(key) ?? []));
  const changed = [...shape.values.keys()]
    .filter((key) => at(asRecipe.plan, key) !== at(loaded.plan, key))
    .map((key) => `${key}: ${at(asRecipe.plan, key)} -> ${at(loaded.plan, key)}`);
  const plan = loaded.plan;

  const backendFlag = typeof request.values.backend === 'string' ? request.values.backend : plan.runtime.backend;
  const backend = await selectBackend(backendFlag as Plan['runtime']['backend'], { threads: plan.runtime.threads });
  const model = createModel(plan);
  try {
    assignWeights(model, officialWeights(stateDict, model, request.student === null ? request.checkpoint : `${request.checkpoint} + ${request.student}`));
    const run = await createRun(request.outRoot, {
      name: plan.name, id: runIdFromDate(new Date()), hash: loaded.hash, hashRule: HASH_RULE, seed: plan.runtime.seed,
      backend: describeBackend(backend), machine: await machineInfo(),
    });
    await writeJsonAtomic(join(run.directory, 'plan.json'), plan);
    const sources = [teacher, student].filter((c): c is OfficialCheckpoint & { sha256: string } => c !== null).map((c) => `${c.source} (epoch ${c.epoch ?? '?'})`);
    await writeFileAtomic(join(run.directory, 'recipe.yaml'), `# imported by vadc import from ${sources.join(' + ')} with ${loaded.path}\n# hash ${loaded.hash}\n${renderPlanYaml(plan)}`);
    await saveCheckpoint(checkpointPath(run), model);
    await writeJsonAtomic(join(run.directory, 'import.json'), {
      format: 1,
      teacher: provenance(teacher),
      student: student === null ? null : provenance(student),
      recipe: loaded.path,
      checkpoint_values: Object.fromEntries(shape.values),
      changed,
      args: Object.fromEntries(teacher.args),
    });
    // An imported model is a trained one: `vadc eval` scores it (and then calls the run finished).
    await moveRun(run, 'training');
    await moveRun(run, 'trained');
    return { run, plan, changed };
  } finally {
    model.params.dispose();
  }
}

async function readCheckpointFile(path: string, io: CommandIO): Promise<OfficialCheckpoint & { sha256: string }> {
  const bytes = await readFile(resolve(io.cwd, path));
  return { ...readOfficialCheckpoint(bytes, path), sha256: createHash('sha256').update(bytes).digest('hex') };
}

function provenance(checkpoint: OfficialCheckpoint & { sha256: string }): Record<string, unknown> {
  return { file: checkpoint.source, sha256: checkpoint.sha256, epoch: checkpoint.epoch, tensors: checkpoint.stateDict.size };
}
