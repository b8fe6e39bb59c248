// `vadc sweep --queue`: the sweep as one BullMQ flow. The sweep job is the parent; each training group is an
// evaluate job (its scoring-only combinations) whose child is the train job, so every combination is evaluated
// right after its model is trained, by whichever worker is free. The coordinator waits, then writes sweep.json and
// the report with the same writer as a local sweep (run/sweep-run.ts).
import { join } from 'node:path';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import type { SweepRun } from '@vadc/dsl';
import type { CommandIO } from '../command.ts';
import { readRun } from '../run/run-folder.ts';
import { groupByTraining, writeSweep, type SweepEntry, type SweepOptions, type SweepResultFolder, type SweepTraining } from '../run/sweep-run.ts';
import { runIdFromDate } from '../run/run-folder.ts';
import { QUEUE_NAME, type QueueAddress } from './connection.ts';
import type { EvaluateJobData, EvaluateJobResult, QueueSweepOptions, SweepJobData, TrainJobData, TrainJobResult } from './job-types.ts';
import { queueOverhead, waitForJobs, type AwaitedJob } from './wait-jobs.ts';

/**
 * Options every vadc job gets: one attempt (a job that fails for its input fails once; a job whose worker died is
 * not an attempt, it goes back through BullMQ's stalled check), a child's failure fails its parents, and finished
 * jobs stay a day for the coordinator to read their results.
 */
export const JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } };

/** Runs the sweep on the queue's workers; resolves with sweep.json's content and folder. */
export async function queueSweep(runs: readonly SweepRun[], options: SweepOptions, address: QueueAddress, io: CommandIO): Promise<SweepResultFolder> {
  const first = runs[0];
  if (first === undefined) throw new Error('the sweep has no combinations');
  const name = first.plan.name;
  const sweepId = options.sweepId ?? runIdFromDate(new Date());
  const jobOptions: QueueSweepOptions = { ...options, sweepId };
  const groups = [...groupByTraining(runs)];
  const say = (text: string) => io.stderr(`${text}\n`);
  say(`sweep ${name}: ${runs.length} combination${runs.length === 1 ? '' : 's'}, ${groups.length} model${groups.length === 1 ? '' : 's'}; queued on ${address.display}`);

  const prefix = `sweep-${name}-${sweepId}`;
  const child = { ...JOB_OPTIONS, failParentOnFailure: true };
  const flow: FlowJob = {
    name: 'sweep', queueName: QUEUE_NAME, opts: { ...JOB_OPTIONS, jobId: prefix },
    data: { kind: 'sweep', name, sweepId } satisfies SweepJobData,
    children: groups.map(([trainingHash, group], training): FlowJob => ({
      name: 'evaluate', queueName: QUEUE_NAME, opts: { ...child, jobId: `${prefix}-t${training}-evaluate` },
      data: { kind: 'evaluate', group, trainingHash, training, options: jobOptions } satisfies EvaluateJobData,
      children: [{
        name: 'train', queueName: QUEUE_NAME, opts: { ...child, jobId: `${prefix}-t${training}-train` },
        data: { kind: 'train', group, trainingHash, runId: `${sweepId}-t${training}`, options: jobOptions } satisfies TrainJobData,
      }],
    })),
  };
  const producer = new FlowProducer({ connection: address.connection });
  const queue = new Queue(QUEUE_NAME, { connection: address.connection });
  try {
    await producer.add(flow);
    const awaited: AwaitedJob[] = groups.flatMap((_, training) => [
      { id: `${prefix}-t${training}-train`, label: `t${training} train` },
      { id: `${prefix}-t${training}-evaluate`, label: `t${training} evaluate (${groups[training]![1].length} combination${groups[training]![1].length === 1 ? '' : 's'})` },
    ]);
    awaited.push({ id: prefix, label: 'sweep' });
    const finished = await waitForJobs(queue, awaited, io);
    say(queueOverhead(finished.values()));

    const trainings: SweepTraining[] = [];
    const entries: SweepEntry[] = [];
    let variants: Record<string, string> = {};
    for (const [training, [hash]] of groups.entries()) {
      const trained = finished.get(`${prefix}-t${training}-train`)!.value as TrainJobResult;
      const evaluated = finished.get(`${prefix}-t${training}-evaluate`)!.value as EvaluateJobResult;
      trainings.push({ training, training_hash: hash, run: trained.run, source: trained.source });
      entries.push(...evaluated.entries);
      if (training === 0) variants = evaluated.variants;
    }
    const directory = join(options.outRoot, name, trainings[0]!.run);
    const firstRun = await readRun(directory);
    if (firstRun === null) throw new Error(`${directory}: the first training's run folder is not readable here (is the output folder shared with the workers?)`);
    return await writeSweep({ plan: first.plan, id: sweepId, options, trainings, entries, variants, firstRun }, { ...io, stdout: io.stderr });
  } finally {
    await producer.close();
    await queue.close();
  }
}
