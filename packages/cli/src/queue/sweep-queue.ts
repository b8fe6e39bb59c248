// `vadc sweep --queue`: the sweep as one BullMQ flow. The sweep job is the parent; each training group is an
// evaluate job (its scoring-only combinations) whose child is the train job, so every combination is evaluated
// right after its model is trained, by whichever worker is free. The coordinator checks Redis first (failing fast on
// what waiting cannot mend), records the batch, waits, then writes sweep.json and the report with the same writer as
// a local sweep (run/sweep-run.ts). `vadc queue attach` finishes a sweep the same way from its jobs alone.
import { join } from 'node:path';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import type { SweepRun } from '@vadc/dsl';
import type { CommandIO } from '../command.ts';
import { readRun, groupByTraining, writeSweep, type SweepEntry, type SweepOptions, type SweepResultFolder, type SweepTraining, runIdFromDate } from '@vadc/runtime';
import { saveBatch, type AwaitedJob, type BatchRecord } from './batches.ts';
import { checkQueue, QUEUE_NAME, queueFailure, type QueueAddress } from './connection.ts';
import type { EvaluateJobData, EvaluateJobResult, QueueSweepOptions, SweepJobData, TrainJobData, TrainJobResult } from './job-types.ts';
import { queueOverhead, waitForJobs } from './wait-jobs.ts';

/** Milliseconds before a failed job's first retry; each next one waits twice as long. */
const BACKOFF_MS = 2000;

/**
 * Options every vadc job gets: `attempts` tries with exponential backoff (a job that fails for its input fails at
 * once: the worker marks such errors unrecoverable; a job whose worker died is not an attempt, it goes back through
 * BullMQ's stalled check), a child's failure fails its parents, and finished jobs stay a day for the coordinator
 * (or `vadc queue attach`) to read their results.
 */
export function jobOptions(attempts: number): JobsOptions {
  return { attempts, backoff: { type: 'exponential', delay: BACKOFF_MS }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } };
}

/** How a coordinator talks to the queue. */
export interface QueueRequest {
  address: QueueAddress;
  /** Tries per job (--attempts). */
  attempts: number;
}

/** Says how many workers are online, or that none is (the jobs would wait for one). */
export function sayWorkers(workers: number | null, address: QueueAddress, say: (text: string) => void): void {
  if (workers === 0) say(`no worker is online on ${address.display} yet: the jobs wait until one starts (vadc worker --queue ...)`);
  else if (workers !== null) say(`${workers} worker${workers === 1 ? '' : 's'} online on ${address.display}`);
}

/** Runs the sweep on the queue's workers; resolves with sweep.json's content and folder. */
export async function queueSweep(runs: readonly SweepRun[], options: SweepOptions, request: QueueRequest, io: CommandIO): Promise<SweepResultFolder> {
  const { address } = request;
  const first = runs[0];
  if (first === undefined) throw new Error('the sweep has no combinations');
  const name = first.plan.name;
  const say = (text: string) => io.stderr(`${text}\n`);
  const health = await checkQueue(address);
  const sweepId = options.sweepId ?? runIdFromDate(new Date());
  const sweepJobOptions: QueueSweepOptions = { ...options, sweepId };
  const groups = [...groupByTraining(runs)];
  const prefix = `sweep-${name}-${sweepId}`;
  const child = { ...jobOptions(request.attempts), failParentOnFailure: true };
  const flow: FlowJob = {
    name: 'sweep', queueName: QUEUE_NAME, opts: { ...jobOptions(1), jobId: prefix },
    data: { kind: 'sweep', name, sweepId } satisfies SweepJobData,
    children: groups.map(([trainingHash, group], training): FlowJob => ({
      name: 'evaluate', queueName: QUEUE_NAME, opts: { ...child, jobId: `${prefix}-t${training}-evaluate` },
      data: { kind: 'evaluate', group, trainingHash, training, options: sweepJobOptions } satisfies EvaluateJobData,
      children: [{
        name: 'train', queueName: QUEUE_NAME, opts: { ...child, jobId: `${prefix}-t${training}-train` },
        data: { kind: 'train', group, trainingHash, runId: `${sweepId}-t${training}`, options: sweepJobOptions } satisfies TrainJobData,
      }],
    })),
  };
  const awaited: AwaitedJob[] = groups.flatMap((_, training) => [
    { id: `${prefix}-t${training}-train`, label: `t${training} train` },
    { id: `${prefix}-t${training}-evaluate`, label: `t${training} evaluate (${groups[training]![1].length} combination${groups[training]![1].length === 1 ? '' : 's'})` },
  ]);
  awaited.push({ id: prefix, label: 'sweep' });
  const producer = new FlowProducer({ connection: address.connection });
  const queue = new Queue(QUEUE_NAME, { connection: address.connection });
  try {
    const batch = await saveBatch(queue, { id: prefix, kind: 'sweep', name, jobs: awaited });
    await producer.add(flow);
    say(`sweep ${name}: ${runs.length} combination${runs.length === 1 ? '' : 's'}, ${groups.length} model${groups.length === 1 ? '' : 's'}; queued on ${address.display} as batch ${prefix} (vadc queue status ${prefix} --queue ${address.display})`);
    sayWorkers(health.workers, address, say);
    return await awaitSweep(queue, batch, address, io);
  } catch (error) {
    throw queueFailure(error, address);
  } finally {
    await producer.close();
    await queue.close();
  }
}

/** Waits for a queued sweep's jobs and writes its sweep.json and report from what they carry and returned. */
export async function awaitSweep(queue: Queue, batch: BatchRecord, address: QueueAddress, io: CommandIO): Promise<SweepResultFolder> {
  const settled = await waitForJobs(queue, { batch, address }, io);
  io.stderr(`${queueOverhead(settled.finished.values())}\n`);
  const evaluateIds = batch.jobs.map((job) => job.id).filter((id) => id.endsWith('-evaluate'));
  const evaluations: EvaluateJobData[] = [];
  for (const id of evaluateIds) {
    const job = await queue.getJob(id);
    if (job === undefined) throw new Error(`${id} is no longer on the queue`);
    evaluations.push(job.data as EvaluateJobData);
  }
  evaluations.sort((left, right) => left.training - right.training);
  const trainings: SweepTraining[] = [];
  const entries: SweepEntry[] = [];
  let variants: Record<string, string> = {};
  for (const evaluation of evaluations) {
    const prefix = `${batch.id}-t${evaluation.training}`;
    const trained = settled.finished.get(`${prefix}-train`)!.value as TrainJobResult;
    const evaluated = settled.finished.get(`${prefix}-evaluate`)!.value as EvaluateJobResult;
    trainings.push({ training: evaluation.training, training_hash: evaluation.trainingHash, run: trained.run, source: trained.source });
    entries.push(...evaluated.entries);
    if (evaluation.training === 0) variants = evaluated.variants;
  }
  const [firstEvaluation] = evaluations;
  if (firstEvaluation === undefined) throw new Error(`batch ${batch.id} has no evaluate jobs`);
  const { sweepId, ...options } = firstEvaluation.options;
  const plan = firstEvaluation.group[0]!.plan;
  const directory = join(options.outRoot, plan.name, trainings[0]!.run);
  const firstRun = await readRun(directory);
  if (firstRun === null) throw new Error(`${directory}: the first training's run folder is not readable here (is the output folder shared with the workers?)`);
  return await writeSweep({ plan, id: sweepId, options, trainings, entries, variants, firstRun }, { ...io, stdout: io.stderr });
}
