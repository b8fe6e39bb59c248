// Sweeps: `sweep.grid` maps dotted keys to lists of values; every combination is one run, resolved like a recipe
// with those values set (so each is validated on its own) and with `sweep` removed. Keys under `scoring.` and
// `eval.` change no trained weight, so runs that differ only in them share one training hash (one trained model).
import type { Diagnostic, SourcePosition } from './diagnostics.ts';
import { parseKey } from './key-path.ts';
import { nodeFromValue } from './parse/recipe-node.ts';
import { resolveWithOverrides, type PlanOrigins, type ResolveOptions, resolveRecipe } from './public-api.ts';
import { parseOverrides, type Override } from './resolve/overrides.ts';
import { isScoringOnlyKey, trainingHash } from './plan/hash.ts';
import type { Plan } from './plan/types.ts';

/** One combination of a sweep. */
export interface SweepRun {
  /** 0-based position in the grid (the last key varies fastest). */
  index: number;
  /** The swept values of this run, by dotted key. */
  values: Record<string, unknown>;
  /** The same as `--set key=value` arguments (values as JSON, which is YAML), to record or reproduce the run. */
  overrides: string[];
  plan: Plan;
  hash: string;
  /** Hash of what determines the trained model: equal for runs that differ only in scoring-only keys. */
  trainingHash: string;
  origins: PlanOrigins;
}

/** The outcome of expanding a recipe's sweep. */
export type SweepResult =
  | { ok: true; runs: SweepRun[]; scoringOnlyKeys: string[]; trainingKeys: string[]; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

/**
 * Resolves a recipe and every combination of its `sweep.grid`. A recipe without a sweep gives one run. Errors of a
 * combination name the combination in their message.
 */
export async function expandSweep(path: string, options: ResolveOptions): Promise<SweepResult> {
  const base = await resolveRecipe(path, options);
  if (!base.ok) return { ok: false, errors: base.errors, warnings: base.warnings };
  const parsed = parseOverrides(options.overrides ?? []);
  const grid = base.plan.sweep?.grid ?? {};
  const keys = Object.keys(grid);
  const combinations = cartesian(keys.map((key) => (grid[key] ?? []).map((_value, index) => index)));
  const removeSweep: Override = { action: 'delete', path: ['sweep'], position: { file: path, line: 1, column: 1 } };
  const runs: SweepRun[] = [];
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [...base.warnings];
  const seen = new Set<string>();
  for (const [index, indices] of combinations.entries()) {
    const combination = keys.map((key, position) => grid[key]?.[indices[position]!]);
    const values = Object.fromEntries(keys.map((key, position) => [key, combination[position]]));
    const sweepOverrides: Override[] = keys.map((key, position) => {
      // Located at the grid value itself, so an error names the line that wrote it.
      const at = gridValueOrigin(base.origins, `sweep.grid.${key}.${indices[position]!}`);
      const located = at !== undefined && at !== 'default' && at !== '--set' ? at : { file: path, line: 1, column: 1 };
      return { action: 'set', path: parseKey(key) ?? [key], value: nodeFromValue(combination[position], located), position: located };
    });
    const result = await resolveWithOverrides(path, options, [...parsed.overrides, removeSweep, ...sweepOverrides]);
    const label = keys.map((key) => `${key}=${JSON.stringify(values[key])}`).join(' ');
    if (!result.ok) {
      // The same bad grid value fails every combination it is in: report it once, with the first such run.
      const fresh = result.errors.filter((error) => !seen.has(`${error.file}:${error.line}:${error.column}:${error.key}:${error.message}`));
      for (const error of result.errors) seen.add(`${error.file}:${error.line}:${error.column}:${error.key}:${error.message}`);
      // Grid values with a known place in the file (a --set grid has none): errors there take the key as written.
      const written = sweepOverrides.flatMap((override, position) => {
        const at = gridValueOrigin(base.origins, `sweep.grid.${keys[position]!}.${indices[position]!}`);
        return at !== undefined && at !== 'default' && at !== '--set' ? [{ key: keys[position]!, path: override.path, at }] : [];
      });
      errors.push(...fresh.map((error) => ({ ...error, key: keyAsWritten(error, written), message: `sweep run ${index} (${label}): ${error.message}` })));
      continue;
    }
    runs.push({
      index,
      values,
      overrides: keys.map((key) => `${key}=${JSON.stringify(values[key])}`),
      plan: result.plan,
      hash: result.hash,
      trainingHash: await trainingHash(result.plan),
      origins: result.origins,
    });
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, runs, scoringOnlyKeys: keys.filter(isScoringOnlyKey), trainingKeys: keys.filter((key) => !isScoringOnlyKey(key)), warnings };
}

/** Where a grid value was written: its own origin, or for a map or list value that of its first leaf. */
function gridValueOrigin(origins: PlanOrigins, key: string): PlanOrigins[string] | undefined {
  if (origins[key] !== undefined) return origins[key];
  const first = Object.keys(origins).find((name) => name.startsWith(`${key}.`));
  return first === undefined ? undefined : origins[first];
}

/**
 * The key of an error at a grid value, spelt as the grid spells it: `stages.teacher.epochs` stays that, not the
 * resolved `stages.0.epochs`. Each override path has as many segments as its resolved key (a stage name stands for
 * one index), so the first segments are swapped for the written key and any deeper ones (inside a map value) kept.
 */
function keyAsWritten(error: Diagnostic, written: Array<{ key: string; path: readonly unknown[]; at: SourcePosition }>): string {
  for (const { key, path, at } of written) {
    if (error.file !== at.file || error.line !== at.line || error.column < at.column) continue;
    const segments = error.key.split('.');
    if (segments.length >= path.length) return [key, ...segments.slice(path.length)].join('.');
  }
  return error.key;
}

function cartesian(lists: number[][]): number[][] {
  return lists.reduce<number[][]>((combinations, list) => combinations.flatMap((combination) => list.map((value) => [...combination, value])), [[]]);
}

