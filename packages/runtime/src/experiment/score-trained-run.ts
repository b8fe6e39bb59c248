// Scoring a trained run again (`vadc eval`): the scoring half of the experiment on a run folder whose training ran to
// its end, e.g. on another backend or engine, or to finish a run that failed after training. It takes the run's lease
// like any writer; a run whose training has not run to its end is refused (its checkpoint is an earlier epoch:
// numbers that no recipe describes, and a `finished` that would stop --resume).
import { dirname } from 'node:path';
import type { EngineName, Plan } from '@vadc/dsl';
import type { GivenTestMasks } from '../score/given-test-masks.ts';
import { CheckFailedError, type CommandIO } from '../run-io.ts';
import { resolveEngine } from '../engines/engine-choice.ts';
import { loadTrainedModel, readTrainedRun } from '../detect/trained-run.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import { fileLeaseStore, takeLease } from '../run-folder/run-lease.ts';
import { moveRun, trainingFinished } from '../run-folder/run-state.ts';
import { openRunData, recordFailure, startBackend } from './run-experiment.ts';
import { scoreEvaluateReport } from './score-evaluate.ts';

/** What scoreTrainedRun scores with: the backend and engine asked for (null: the recipe's). */
export interface ScoreTrainedRunOptions {
  backend: string | null;
  engine: EngineName | null;
  /** Test-time masks given instead of drawn (`vadc eval --test-masks`), read once the run's plan is known. */
  testMasks?: (plan: Plan) => Promise<GivenTestMasks | null>;
}

/**
 * Scores the test split with the trained model of the run folder `folder` (relative to `io.cwd`) and rewrites its
 * scores.csv, components.bin, metrics.json and report.html; the run ends `finished`.
 *
 * @throws UsageError when `folder` is not a trained run; CheckFailedError when its training has not run to its end
 */
export async function scoreTrainedRun(folder: string, options: ScoreTrainedRunOptions, io: CommandIO): Promise<RunFolder> {
  const { run: found } = await readTrainedRun(folder, io.cwd);
  const lease = await takeLease(fileLeaseStore(found.directory), 'refuse', (line) => io.stderr(`${line}\n`));
  try {
    // Read again under the lease: the run may have moved on while its previous holder let go.
    const { run, plan } = await readTrainedRun(folder, io.cwd);
    run.lease = lease;
    if (!trainingFinished(run.record)) {
      throw new CheckFailedError(`${run.directory} has not finished training (state ${run.record.status}): its checkpoint is an earlier epoch. `
        + 'Finish it with vadc run <recipe> --resume, then eval');
    }
    const engine = await resolveEngine(plan, options.engine, options.backend, io);
    const testMasks = (await options.testMasks?.(plan)) ?? null;
    await moveRun(run, 'scoring');
    try {
      const backend = await startBackend(run, plan, options.backend, io);
      const pipeline = await openRunData(run, plan, dirname(dirname(run.directory)), io);
      const model = await loadTrainedModel(run, plan);
      await scoreEvaluateReport({ run, plan, model, pipeline, backend, engine, testMasks }, io);
      await pipeline.close();
      await moveRun(run, 'finished');
    } catch (error) {
      await recordFailure(run, error);
      throw error;
    }
    return run;
  } finally {
    await lease.release();
  }
}
