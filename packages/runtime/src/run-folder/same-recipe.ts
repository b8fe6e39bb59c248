// Which earlier runs are runs of the same recipe: their stored experiment hash against the recipe's, when the run
// folder records the hash rule this vadc uses (hashes of different rules never match).
import { HASH_RULE } from '@vadc/dsl';
import type { RunFolder, RunRecord } from './run-folder.ts';

/** The runs among `runs` whose stored hash is `hash` (the Plan's, under HASH_RULE). */
export function runsOfSameRecipe(runs: readonly RunFolder[], hash: string): RunFolder[] {
  return runs.filter((run) => run.record.hashRule === HASH_RULE && run.record.hash === hash);
}

/** Whether runs used the same recipe (experiment hash) and the same data (fingerprint); null where unknown. */
export interface SameRecipeAndData {
  sameRecipe: boolean | null;
  sameData: boolean | null;
  /** The answer in words, for the table output. */
  statement: string;
}

/** Compares the records' experiment hashes (only when made by the same rule) and dataset fingerprints. */
export function sameRecipeAndData(records: readonly RunRecord[]): SameRecipeAndData {
  const rules = new Set(records.map((record) => record.hashRule));
  const sameRecipe = rules.size > 1 ? null : new Set(records.map((record) => record.hash)).size === 1;
  const prints = records.map((record) => record.datasetFingerprint ?? null);
  const comparable = prints.every((print) => print !== null) && new Set(prints.map((print) => print!.deep)).size === 1;
  const sameData = comparable ? new Set(prints.map((print) => print!.digest)).size === 1 : null;
  const recipeText = sameRecipe === null ? 'cannot tell (hashes made by different rules; see the recipe differences)' : sameRecipe ? 'the same (equal experiment hashes)' : 'different (experiment hashes differ)';
  const dataText = sameData === null ? 'cannot tell (a run has no dataset fingerprint, or only one hashed contents)' : sameData ? 'the same (equal dataset fingerprints)' : 'different (dataset fingerprints differ)';
  return { sameRecipe, sameData, statement: `Recipe: ${recipeText}. Data: ${dataText}.` };
}
