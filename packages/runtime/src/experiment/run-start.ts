// Where `vadc run` / `vadc train` starts: a new run folder, or the last run of the same recipe (same experiment
// hash, the rule its folder records) to resume or re-use. One decision, so a command and a program that calls
// runExperiment treat an existing run alike: never a second run of one recipe by accident (--new asks for one).
import { latestRun, listRuns, type RunFolder } from '../run-folder/run-folder.ts';
import { runsOfSameRecipe } from '../run-folder/same-recipe.ts';
import { UsageError } from '../run-io.ts';
import type { LoadedRecipe } from './recipe-reader.ts';

/** How a run starts. */
export type RunStart =
  /** No run of this recipe, or another one was asked for: a new run folder. */
  | { kind: 'new' }
  /** Continue (or, training only, re-use) this run. */
  | { kind: 'resume'; run: RunFolder }
  /** Asked to resume a run that already finished: nothing to do, its metrics are there. */
  | { kind: 'finished'; run: RunFolder }
  /** A run of this recipe exists and neither resume nor new was asked: the caller must choose. */
  | { kind: 'exists'; run: RunFolder };

/** What the caller asked for. */
export interface RunStartRequest {
  resume: boolean;
  new: boolean;
  /** Training only (`vadc train`): a finished run is re-used (resumed), not reported as finished. */
  trainOnly: boolean;
}

/** The start of a run of `recipe` under `outRoot`; asking to resume with no run of this recipe is a usage error. */
export async function chooseRunStart(recipe: LoadedRecipe, outRoot: string, request: RunStartRequest): Promise<RunStart> {
  if (request.resume && request.new) throw new UsageError('--resume and --new exclude each other');
  const sameRecipe = runsOfSameRecipe(await listRuns(outRoot, recipe.plan.name), recipe.hash);
  const previous = sameRecipe.at(-1) ?? null;
  if (request.resume) {
    if (previous === null) {
      const latest = await latestRun(outRoot, recipe.plan.name);
      const why = latest ? ` (the latest run, ${latest.directory}, has a different recipe hash)` : '';
      throw new UsageError(`no run of this recipe to resume under ${outRoot}/${recipe.plan.name}${why}; run without --resume`);
    }
    return previous.record.status === 'finished' && !request.trainOnly ? { kind: 'finished', run: previous } : { kind: 'resume', run: previous };
  }
  if (previous !== null && !request.new) return { kind: 'exists', run: previous };
  return { kind: 'new' };
}
