// `vadc worker`: a BullMQ worker over the vadc queue. Jobs run in sandboxed worker threads (job-processor.ts) so
// the main thread renews each job's lock every lockDuration / 2 however busy a training keeps its thread. A worker
// that dies (kill -9, a lost machine) stops renewing; after lockDuration the other workers' stalled-job check puts
// its job back in the queue, and the next worker resumes the run from its last checkpoint. SIGTERM / SIGINT stop
// taking jobs and let the running ones finish; a second signal exits at once, and the jobs go back the same way.
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import type { CommandIO } from '../command.ts';
import { leaseDuration } from '@vadc/runtime';
import { QUEUE_NAME, type QueueAddress } from './connection.ts';
import type { JobThreadData } from './job-processor.ts';
import type { VadcJobData } from './job-types.ts';
import type { PathMapping } from './path-map.ts';

/** How a worker runs. */
export interface WorkerSettings {
  address: QueueAddress;
  /** The --queue address as given: each job thread opens its own connection for run leases. */
  url: string;
  /** Folders (links resolved) that jobs may read and write in (--allow-root; default the working folder). */
  allowRoots: string[];
  concurrency: number;
  pathMaps: PathMapping[];
  /** Milliseconds a job's lock lasts without renewal: how long a dead worker's job waits before it is taken again. */
  lockDuration: number;
  /** Milliseconds between checks for stalled jobs (jobs whose lock expired). */
  stalledInterval: number;
}

/** How often one job may be found stalled (its worker lost) before it fails instead of going back to the queue. */
const MAX_STALLED = 3;

/** Runs a worker until SIGTERM / SIGINT; resolves with the exit status. */
export async function runWorker(settings: WorkerSettings, io: CommandIO): Promise<number> {
  const say = (text: string) => io.stderr(`worker: ${text}\n`);
  // Built CLI: dist/queue/worker.js beside dist/queue/job-processor.js.
  const processor = fileURLToPath(new URL('./job-processor.js', import.meta.url));
  const worker = new Worker<VadcJobData>(QUEUE_NAME, processor, {
    connection: settings.address.connection,
    concurrency: settings.concurrency,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData: { pathMaps: settings.pathMaps, allowRoots: settings.allowRoots, queueUrl: settings.url } satisfies JobThreadData },
    lockDuration: settings.lockDuration,
    stalledInterval: settings.stalledInterval,
    maxStalledCount: MAX_STALLED,
  });
  const started = new Map<string, number>();
  worker.on('active', (job) => {
    started.set(job.id ?? '', performance.now());
    say(`${job.id}: started (${job.name}${job.attemptsStarted > 1 ? `, start ${job.attemptsStarted}: taken over after its worker stopped` : ''})`);
  });
  worker.on('completed', (job) => say(`${job.id}: completed in ${elapsed(started, job.id)}`));
  worker.on('failed', (job, error) => say(`${job?.id ?? '?'}: failed after ${elapsed(started, job?.id)}: ${error.message}`));
  let lastError = '';
  worker.on('error', (error) => {
    // Connection errors repeat while Redis is away; say each distinct one once.
    if (error.message !== lastError) say(`queue error (retrying): ${error.message}`);
    lastError = error.message;
  });
  worker.on('ready', () => {
    if (lastError !== '') say('connected again');
    lastError = '';
  });
  await worker.waitUntilReady();
  say(`waiting for jobs on ${settings.address.display} (queue ${QUEUE_NAME}, concurrency ${settings.concurrency}, lock ${settings.lockDuration} ms, run lease ${leaseDuration()} ms, allowed folders ${settings.allowRoots.join(', ')})`);

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        say(`${signal} again: exiting now; running jobs go back to the queue when their lock expires`);
        resolve(130);
        return;
      }
      stopping = true;
      say(`${signal}: finishing the running jobs, taking no new ones (${signal} again to exit now)`);
      void worker.close().then(() => {
        say('stopped');
        resolve(0);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

function elapsed(started: Map<string, number>, id: string | undefined): string {
  const start = started.get(id ?? '');
  started.delete(id ?? '');
  return start === undefined ? '?' : `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
