// Which earlier runs are runs of the same recipe: their stored experiment hash against the recipe's, each computed by
// the rule the run folder records (run folders made before hash rule 2 store a rule-1 hash and no `hashRule`).
import { HASH_RULE, legacyPlanHash, type Plan } from '@vadc/dsl';
import type { RunFolder } from './run-folder.ts';

/** The runs among `runs` whose stored hash is this Plan's under the rule they were made with. */
export async function runsOfSameRecipe(runs: readonly RunFolder[], plan: Plan, hash: string): Promise<RunFolder[]> {
  const legacy = runs.some((run) => run.record.hashRule === undefined) ? await legacyPlanHash(plan) : undefined;
  return runs.filter((run) => (run.record.hashRule === undefined ? run.record.hash === legacy : run.record.hashRule === HASH_RULE && run.record.hash === hash));
}
