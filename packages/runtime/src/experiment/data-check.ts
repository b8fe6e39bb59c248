// `vadc validate --data`: whether the data a resolved recipe names is there, as a located diagnostic (at the line
// that set `data.root`, or the recipe's first line) rather than a failure halfway into a run.
import type { Diagnostic, Plan, PlanOrigins } from '@vadc/dsl';
import { openDataset } from '../data/datasets.ts';

/** Opens the recipe's dataset the way a run does (listing, not decoding); returns the problem found, or null. */
export async function checkDataPresent(plan: Plan, origins: PlanOrigins, recipe: string): Promise<Diagnostic | null> {
  try {
    const source = await openDataset(plan);
    if (source.train.length === 0 && source.test.length === 0) return problem('the dataset holds no videos', plan, origins, recipe);
    return null;
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error), plan, origins, recipe);
  }
}

function problem(message: string, plan: Plan, origins: PlanOrigins, recipe: string): Diagnostic {
  const origin = origins['data.root'];
  const at = origin !== undefined && typeof origin === 'object' ? origin : { file: recipe, line: 1, column: 1 };
  return { code: 'INVALID_VALUE', severity: 'error', key: 'data.root', message: `the data is not there: ${message}`, file: at.file, line: at.line, column: at.column, found: String(plan.data.root) };
}
