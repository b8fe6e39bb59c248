// What `vadc compare` says about engines: which engine trained and scored each run (run.json's resolved
// runtime.engine), and a line when runs differ, since
// the requested engine `auto` hashes the same on every machine while the engine it resolves to draws other dropout
// masks (training) and sums in another order (scoring).
import type { RunRecord } from '../run-folder/run-folder.ts';

/** The engines of one run; null where neither run.json nor metrics.json says. */
export interface RunEngines {
  train: string | null;
  score: string | null;
}

/** The engines that trained and last scored a run (null: not yet, or an imported model, which no engine trained). */
export function runEngines(record: RunRecord): RunEngines {
  return { train: record.engine?.train?.engine ?? null, score: record.engine?.score?.engine ?? null };
}

/** A sentence when the runs trained or scored on different engines, else null. */
export function engineStatement(runs: ReadonlyArray<{ path: string; engines: RunEngines }>): string | null {
  const parts: string[] = [];
  for (const [what, key] of [['trained', 'train'], ['scored', 'score']] as const) {
    const known = runs.filter((run) => run.engines[key] !== null);
    if (new Set(known.map((run) => run.engines[key])).size > 1) {
      parts.push(`${what} on different engines (${known.map((run) => `${run.path}: ${run.engines[key]}`).join(', ')})`);
    }
  }
  return parts.length === 0 ? null : `The runs ${parts.join(' and ')}: engines draw other dropout masks and sum in another order, so numbers differ even under one recipe hash.`;
}
