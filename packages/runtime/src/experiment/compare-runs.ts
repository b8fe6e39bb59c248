// What `vadc compare` puts side by side: each run's status, hash, dataset, engines, metrics and speed; whether the
// runs used the same recipe and data; and the recipe keys that differ. The command prints it as a table or as JSON.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { METRIC_NAMES, type MetricName } from '@vadc/dsl';
import { engineStatement, runEngines, type RunEngines } from '../engines/compare-engines.ts';
import { describeFingerprint } from '../run-folder/dataset-fingerprint.ts';
import { differingKeys } from '../run-folder/plan-diff.ts';
import { readRun, readRunMetrics } from '../run-folder/run-folder.ts';
import { sameRecipeAndData } from '../run-folder/same-recipe.ts';
import { UsageError } from '../run-io.ts';
import { metricValue } from '../score/metrics-result.ts';

/** One run of a comparison (the JSON `vadc compare --json` prints under `runs`). */
export interface ComparedRun {
  /** The run folder as given. */
  run: string;
  status: string;
  /** The experiment hash's first 12 digits. */
  hash: string;
  dataset: string;
  backend: string | null;
  engine: RunEngines;
  /** The recipe's metrics (METRIC_NAMES), null where metrics.json has none. */
  metrics: Record<MetricName, number | null>;
  /** metrics.json's speed section, or null. */
  speed: Record<string, unknown> | null;
}

/** Several runs side by side. */
export interface RunComparison {
  runs: ComparedRun[];
  /** The recipe keys whose values differ, with each run's value. */
  differences: ReturnType<typeof differingKeys>;
  sameRecipe: boolean | null;
  sameData: boolean | null;
  /** Same recipe and data, in words. */
  statement: string;
  /** A sentence when the runs trained or scored on different engines, else null. */
  engines: string | null;
}

/** A run's plan.json as plain JSON (for the keys that differ), or null when it is missing or unreadable. */
async function readPlanJson(directory: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(directory, 'plan.json'), 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Compares the run folders at `paths` (relative to `cwd`); a path that is not a run folder is a usage error naming it. */
export async function compareRuns(paths: readonly string[], cwd: string): Promise<RunComparison> {
  const runs = [];
  for (const path of paths) {
    const directory = resolve(cwd, path);
    const run = await readRun(directory);
    if (!run) throw new UsageError(`${path} is not a run folder (no readable run.json)`);
    const metrics = await readRunMetrics(directory);
    runs.push({ path, run, metrics, plan: await readPlanJson(directory) });
  }
  const compared = runs.map(({ path, run, metrics }): ComparedRun => ({
    run: path,
    status: run.record.status,
    hash: run.record.hash.slice(0, 12),
    dataset: describeFingerprint(run.record.datasetFingerprint),
    backend: run.record.backend,
    engine: runEngines(run.record),
    metrics: Object.fromEntries(METRIC_NAMES.map((name) => [name, metricValue(metrics, name)])) as Record<MetricName, number | null>,
    speed: (metrics?.speed as Record<string, unknown> | undefined) ?? null,
  }));
  return {
    runs: compared,
    differences: differingKeys(runs.map((entry) => entry.plan)),
    ...sameRecipeAndData(runs.map((entry) => entry.run.record)),
    engines: engineStatement(compared.map((entry) => ({ path: entry.run, engines: entry.engine }))),
  };
}
