// The coordinator's side of the queue: it waits for a batch's jobs by polling their states (no event stream to lose
// while Redis restarts: a poll issued while Redis is away waits for the reconnection), says on stderr when each job
// starts, reports progress (epoch, frames/s), is retried, taken over or finishes, says when no worker is online, and
// stops at the first failure with the failing job's own error (a score batch goes on: every input that can be scored
// is). Ctrl-C asks whether to cancel the batch or leave it running (coordinator-interrupt.ts).
import type { Job, Queue } from 'bullmq';
import { readBatch, type AwaitedJob, type BatchRecord } from './batches.ts';
import type { QueueAddress } from './connection.ts';
import { interruptible, type Interruption } from './coordinator-interrupt.ts';
import type { CommandIO, TrainingStepReport } from '../command.ts';

/** A finished job's result and its timings (milliseconds since the epoch, from Redis). */
export interface FinishedJob {
  value: unknown;
  added: number;
  processed: number;
  finished: number;
}

/** A job that failed: its label and its own error message. */
export class QueueJobFailed extends Error {
  override name = 'QueueJobFailed';
}

/** What a batch's jobs came to. */
export interface SettledJobs {
  finished: Map<string, FinishedJob>;
  /** Failed jobs' own errors, by job id (only when the wait goes on past failures). */
  failed: Map<string, string>;
}

/** How the coordinator waits. */
export interface WaitOptions {
  batch: BatchRecord;
  address: QueueAddress;
  /** Wait for every job, collecting failures, instead of stopping at the first. */
  pastFailures?: boolean;
}

const POLL_MS = 300;
/** How often the coordinator asks how many workers are online, and at most how often a job's progress is repeated. */
const WORKERS_EVERY_MS = 10_000;
const PROGRESS_EVERY_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until every job completed (or failed, with pastFailures); throws QueueJobFailed naming the first own failure otherwise. */
export async function waitForJobs(queue: Queue, options: WaitOptions, io: CommandIO): Promise<SettledJobs> {
  const { batch } = options;
  const jobs = batch.jobs;
  const say = (text: string) => io.stderr(`${text}\n`);
  const finished = new Map<string, FinishedJob>();
  const failed = new Map<string, string>();
  const states = new Map<string, string>();
  const progressSaid = new Map<string, { text: string; at: number }>();
  const start = performance.now();
  const at = () => `[${((performance.now() - start) / 1000).toFixed(1)} s]`;
  let lastError = '';
  let workersAskedAt = -Infinity;
  let workersSaid: number | null = -1;
  const onError = (error: Error) => {
    if (error.message !== lastError) say(`queue: ${error.message}; waiting for Redis to come back`);
    lastError = error.message;
  };
  queue.on('error', onError);
  const interruption: Interruption = interruptible(queue, options, io);
  try {
    while (finished.size + failed.size < jobs.length) {
      await interruption.check();
      const failures: string[] = [];
      let waiting = 0;
      for (const awaited of jobs) {
        if (finished.has(awaited.id) || failed.has(awaited.id)) continue;
        // The state first, then the job: a job read before it completed would carry no result.
        const state = await queue.getJobState(awaited.id);
        const job = await queue.getJob(awaited.id);
        if (job === undefined || state === 'unknown') {
          const record = await readBatch(queue, batch.id);
          if (record?.cancelled !== undefined) throw new QueueJobFailed(`batch ${batch.id} was cancelled at ${record.cancelled} (vadc queue cancel)`);
          throw new QueueJobFailed(`${awaited.label}: job ${awaited.id} is no longer on the queue (was the queue emptied?)`);
        }
        if (lastError !== '') {
          say('queue: connected again');
          lastError = '';
        }
        // A job taken over by another worker is active again with one more start; a retried one has one more attempt made.
        const seen = `${state}/${job.attemptsStarted}/${job.attemptsMade}`;
        if (seen !== states.get(awaited.id)) announce(awaited, job, state, at(), say);
        states.set(awaited.id, seen);
        if (state === 'active') reportProgress(awaited, job, progressSaid, at(), say);
        if (state === 'waiting' || state === 'prioritized' || state === 'delayed') waiting++;
        if (state === 'completed') finished.set(awaited.id, { value: job.returnvalue, added: job.timestamp, processed: job.processedOn ?? job.timestamp, finished: job.finishedOn ?? Date.now() });
        if (state === 'failed') {
          failures.push(`${awaited.label} failed: ${job.failedReason}`);
          failed.set(awaited.id, job.failedReason);
        }
      }
      if (waiting > 0 && performance.now() - workersAskedAt > WORKERS_EVERY_MS) {
        workersAskedAt = performance.now();
        const workers = await queue.getWorkersCount().catch(() => null);
        if (workers !== workersSaid && workers !== null) {
          say(workers === 0
            ? `${at()} no worker is online on ${options.address.display}: ${waiting} job${waiting === 1 ? ' waits' : 's wait'} until one starts (vadc worker --queue ...)`
            : `${at()} ${workers} worker${workers === 1 ? '' : 's'} online`);
        }
        workersSaid = workers;
      }
      if (!options.pastFailures && failures.length > 0) {
        // A child's failure fails its parents too ("child ... failed"); the child's own error is the one to show.
        const own = failures.filter((failure) => !/failed: child .* failed$/.test(failure));
        throw new QueueJobFailed((own.length > 0 ? own : failures).join('; '));
      }
      if (finished.size + failed.size < jobs.length) await sleep(POLL_MS);
    }
  } finally {
    interruption.release();
    queue.off('error', onError);
  }
  return { finished, failed };
}

function announce(awaited: AwaitedJob, job: Job, state: string, at: string, say: (text: string) => void): void {
  if (state === 'active') say(`${at} ${awaited.label}: running${job.attemptsStarted > 1 ? ` (${job.attemptsMade > 0 ? `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}` : `taken over, start ${job.attemptsStarted}`})` : ''}`);
  else if (state === 'completed') say(`${at} ${awaited.label}: done`);
  else if (state === 'failed') say(`${at} ${awaited.label}: failed${job.attemptsMade > 1 ? ` after ${job.attemptsMade} attempts` : ''}: ${job.failedReason}`);
  else if (state === 'delayed' && job.attemptsMade > 0) say(`${at} ${awaited.label}: attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1} failed (${job.failedReason}); retrying after a backoff`);
  else if (state === 'waiting' || state === 'waiting-children' || state === 'prioritized' || state === 'delayed') say(`${at} ${awaited.label}: ${state === 'waiting-children' ? 'waiting for the jobs it depends on' : 'queued'}`);
}

/** Says a running job's progress when its epoch changes, and again every PROGRESS_EVERY_MS while it runs. */
function reportProgress(awaited: AwaitedJob, job: Job, said: Map<string, { text: string; at: number }>, at: string, say: (text: string) => void): void {
  const progress = job.progress as Partial<TrainingStepReport> | number;
  if (typeof progress !== 'object' || progress === null || typeof progress.epoch !== 'number') return;
  const epoch = `${progress.stage} epoch ${progress.epoch}/${progress.epochs}`;
  const previous = said.get(awaited.id);
  if (previous !== undefined && previous.text === epoch && performance.now() - previous.at < PROGRESS_EVERY_MS) return;
  said.set(awaited.id, { text: epoch, at: performance.now() });
  say(`${at} ${awaited.label}: ${epoch}, ${(progress.framesPerSecond ?? 0).toFixed(1)} frames/s`);
}

/** The queue's own time per job: time inside the worker minus the job's own work, and time waiting for a worker. */
export function queueOverhead(finished: Iterable<FinishedJob>): string {
  const overheads: number[] = [];
  for (const job of finished) {
    const own = (job.value as { seconds?: unknown } | null)?.seconds;
    if (typeof own === 'number') overheads.push(job.finished - job.processed - own * 1000);
  }
  if (overheads.length === 0) return 'queue overhead: no timed jobs';
  overheads.sort((a, b) => a - b);
  const median = overheads[Math.floor(overheads.length / 2)]!;
  return `queue overhead per job (worker time beyond the job's own work): median ${median.toFixed(0)} ms, min ${overheads[0]!.toFixed(0)} ms, max ${overheads.at(-1)!.toFixed(0)} ms over ${overheads.length} jobs`;
}
