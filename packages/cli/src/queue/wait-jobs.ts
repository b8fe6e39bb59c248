// The coordinator's side of the queue: it waits for a set of jobs by polling their states (no event stream to lose
// while Redis restarts: a poll issued while Redis is away waits for the reconnection), says on stderr when each job
// starts, is taken over or finishes, and stops at the first failure with the failing job's own error.
import type { Job, Queue } from 'bullmq';
import type { CommandIO } from '../command.ts';

/** A job the coordinator waits for, with the name it prints. */
export interface AwaitedJob {
  id: string;
  label: string;
}

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

const POLL_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until every job completed; throws QueueJobFailed naming the first job that failed for its own reason. */
export async function waitForJobs(queue: Queue, jobs: readonly AwaitedJob[], io: CommandIO): Promise<Map<string, FinishedJob>> {
  const say = (text: string) => io.stderr(`${text}\n`);
  const finished = new Map<string, FinishedJob>();
  const states = new Map<string, string>();
  const start = performance.now();
  let lastError = '';
  const onError = (error: Error) => {
    if (error.message !== lastError) say(`queue: ${error.message}; waiting for Redis to come back`);
    lastError = error.message;
  };
  queue.on('error', onError);
  try {
    while (finished.size < jobs.length) {
      const failures: string[] = [];
      for (const awaited of jobs) {
        if (finished.has(awaited.id)) continue;
        // The state first, then the job: a job read before it completed would carry no result.
        const state = await queue.getJobState(awaited.id);
        const job = await queue.getJob(awaited.id);
        if (job === undefined || state === 'unknown') throw new QueueJobFailed(`${awaited.label}: job ${awaited.id} is no longer on the queue (was the queue emptied?)`);
        if (lastError !== '') {
          say('queue: connected again');
          lastError = '';
        }
        // A job taken over by another worker is active again with one more start.
        const seen = `${state}/${job.attemptsStarted}`;
        if (seen !== states.get(awaited.id)) announce(awaited, job, state, start, say);
        states.set(awaited.id, seen);
        if (state === 'completed') finished.set(awaited.id, { value: job.returnvalue, added: job.timestamp, processed: job.processedOn ?? job.timestamp, finished: job.finishedOn ?? Date.now() });
        if (state === 'failed') failures.push(`${awaited.label} failed: ${job.failedReason}`);
      }
      // A child's failure fails its parents too ("child ... failed"); the child's own error is the one to show.
      const own = failures.filter((failure) => !/failed: child .* failed$/.test(failure));
      if (failures.length > 0) throw new QueueJobFailed((own.length > 0 ? own : failures).join('; '));
      if (finished.size < jobs.length) await sleep(POLL_MS);
    }
  } finally {
    queue.off('error', onError);
  }
  return finished;
}

function announce(awaited: AwaitedJob, job: Job, state: string, start: number, say: (text: string) => void): void {
  const at = `${((performance.now() - start) / 1000).toFixed(1)} s`;
  if (state === 'active') say(`[${at}] ${awaited.label}: running${job.attemptsStarted > 1 ? ` (taken over, start ${job.attemptsStarted})` : ''}`);
  else if (state === 'completed') say(`[${at}] ${awaited.label}: done`);
  else if (state === 'waiting' || state === 'waiting-children' || state === 'prioritized' || state === 'delayed') say(`[${at}] ${awaited.label}: ${state === 'waiting-children' ? 'waiting for the jobs it depends on' : 'queued'}`);
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
