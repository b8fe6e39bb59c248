// `vadc queue status | cancel | attach`: operate the batches that `vadc sweep --queue` and `vadc score --queue`
// put on the queue, from any machine, also after their coordinator is gone. The queue code lives in ../queue/.
import { Queue } from 'bullmq';
import { EXIT_OK, UsageError, type Command, type CommandIO } from '../command.ts';
import { cancelBatch, describeCancel, listBatches, readBatch, type BatchRecord } from '../queue/batches.ts';
import { checkQueue, QUEUE_NAME, queueFailure, parseQueueUrl, type QueueAddress } from '../queue/connection.ts';
import { CoordinatorStopped, EXIT_INTERRUPTED } from '../queue/coordinator-interrupt.ts';
import { awaitScore } from '../queue/score-queue.ts';
import { awaitSweep } from '../queue/sweep-queue.ts';
import { sweepTable } from '@vadc/runtime';

const SUBCOMMANDS = ['status', 'cancel', 'attach'];

/** One job of a batch as `status` shows it. */
interface JobStatus {
  id: string;
  label: string;
  state: string;
  attempts: number;
  progress: unknown;
  failed: string | null;
}

/** The state of each job of a batch. */
async function jobStatuses(queue: Queue, batch: BatchRecord): Promise<JobStatus[]> {
  const statuses: JobStatus[] = [];
  for (const { id, label } of batch.jobs) {
    const job = await queue.getJob(id);
    const state = job === undefined ? 'gone' : await queue.getJobState(id);
    statuses.push({ id, label, state, attempts: job?.attemptsMade ?? 0, progress: job?.progress ?? null, failed: job?.failedReason ?? null });
  }
  return statuses;
}

/** "3 completed, 1 active, 2 waiting". */
function counts(statuses: readonly JobStatus[]): string {
  const byState = new Map<string, number>();
  for (const status of statuses) byState.set(status.state, (byState.get(status.state) ?? 0) + 1);
  return [...byState].map(([state, count]) => `${count} ${state}`).join(', ');
}

function progressText(progress: unknown): string {
  const report = progress as { stage?: string; epoch?: number; epochs?: number; framesPerSecond?: number } | null;
  return typeof report?.epoch === 'number' ? `  ${report.stage} epoch ${report.epoch}/${report.epochs}, ${(report.framesPerSecond ?? 0).toFixed(1)} frames/s` : '';
}

async function status(queue: Queue, address: QueueAddress, id: string | undefined, json: boolean, io: CommandIO): Promise<number> {
  const workers = await queue.getWorkersCount().catch(() => null);
  const batches = id === undefined ? await listBatches(queue) : [await requiredBatch(queue, id, address)];
  const report = [];
  for (const batch of batches) report.push({ ...batch, states: await jobStatuses(queue, batch) });
  if (json) {
    io.stdout(`${JSON.stringify({ queue: address.display, workers, batches: report }, null, 2)}\n`);
    return EXIT_OK;
  }
  io.stdout(`${address.display}: ${workers === null ? 'workers unknown (CLIENT LIST not allowed)' : `${workers} worker${workers === 1 ? '' : 's'} online`}, ${batches.length} batch${batches.length === 1 ? '' : 'es'}\n`);
  for (const batch of report) {
    io.stdout(`${batch.id}  ${batch.kind} ${batch.name}  queued ${batch.created} by ${batch.by}${batch.cancelled ? `  cancelled ${batch.cancelled}` : ''}  ${counts(batch.states)}\n`);
    if (id === undefined) continue;
    for (const job of batch.states) {
      io.stdout(`  ${job.label}: ${job.state}${job.attempts > 1 ? ` (${job.attempts} attempts)` : ''}${job.state === 'active' ? progressText(job.progress) : ''}${job.state === 'failed' && job.failed ? `: ${job.failed}` : ''}\n`);
    }
  }
  return EXIT_OK;
}

async function requiredBatch(queue: Queue, id: string, address: QueueAddress): Promise<BatchRecord> {
  const batch = await readBatch(queue, id);
  if (batch === null) throw new UsageError(`no batch "${id}" on ${address.display} (vadc queue status --queue ${address.display} lists them; records last 7 days)`);
  return batch;
}

async function attach(queue: Queue, address: QueueAddress, batch: BatchRecord, json: boolean, io: CommandIO): Promise<number> {
  io.stderr(`attached to ${batch.kind} batch ${batch.id} (${batch.name}), queued ${batch.created} by ${batch.by}\n`);
  try {
    if (batch.kind === 'sweep') {
      const { summary } = await awaitSweep(queue, batch, address, io);
      io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : sweepTable(summary));
    } else {
      const written = await awaitScore(queue, batch, address, json ? { ...io, stdout: io.stderr } : io);
      if (json) io.stdout(`${JSON.stringify({ scores: written }, null, 2)}\n`);
    }
  } catch (error) {
    if (error instanceof CoordinatorStopped) return EXIT_INTERRUPTED;
    throw error;
  }
  return EXIT_OK;
}

export const queueCommand: Command = {
  usage: 'vadc queue status [batch-id] --queue redis://host:port [--json]\n       vadc queue cancel <batch-id> --queue redis://host:port\n       vadc queue attach <batch-id> --queue redis://host:port [--json]',
  options: { queue: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    description: 'A batch is what one `vadc sweep --queue` or `vadc score --queue` queued (its id is printed when it is queued). '
      + '`status` lists the batches with their jobs\' states and the workers online (with an id: each job, its attempts and its '
      + 'progress). `cancel` removes the batch\'s jobs that have not finished; a job a worker is running finishes its current work '
      + '(a training keeps its checkpoints) and nothing that depends on it starts. `attach` waits for the batch as its coordinator '
      + 'would and writes the same files (sweep.json and the report; each input\'s scores and events); Ctrl-C asks again whether '
      + 'to cancel or leave it. Results on stdout, progress on stderr.',
    options: {
      queue: 'the Redis holding the queue: redis://[user:password@]host:port[/db], or rediss://... for TLS (required; the password may come from $VADC_QUEUE_PASSWORD)',
      json: 'status: the batches and their jobs as JSON; attach: sweep.json, or the scores files written, as JSON',
    },
    examples: [
      'vadc queue status --queue redis://127.0.0.1:6379',
      'vadc queue attach sweep-quickstart-2026-12-07T15-56-36 --queue redis://127.0.0.1:6379 --json',
      'vadc queue cancel score-mj2k3d-4242 --queue redis://127.0.0.1:6379',
    ],
  },
  async run(args, io) {
    const [subcommand, id, ...extra] = args.positionals;
    if (subcommand === undefined || !SUBCOMMANDS.includes(subcommand)) throw new UsageError(subcommand === undefined ? 'missing subcommand (status, cancel or attach)' : `unknown subcommand "${subcommand}" (status, cancel or attach)`);
    if (extra.length > 0) throw new UsageError(`vadc queue ${subcommand} takes one batch id, found also "${extra[0]}"`);
    if (subcommand !== 'status' && id === undefined) throw new UsageError(`vadc queue ${subcommand} needs a batch id (vadc queue status lists them)`);
    if (typeof args.values.queue !== 'string') throw new UsageError('give --queue redis://host:port');
    const address = parseQueueUrl(args.values.queue, io.env);
    const json = args.values.json === true;
    await checkQueue(address);
    const queue = new Queue(QUEUE_NAME, { connection: address.connection });
    try {
      if (subcommand === 'status') return await status(queue, address, id, json, io);
      const batch = await requiredBatch(queue, id!, address);
      if (subcommand === 'attach') return await attach(queue, address, batch, json, io);
      io.stdout(`${describeCancel(batch.id, await cancelBatch(queue, batch))}\n`);
      return EXIT_OK;
    } catch (error) {
      throw queueFailure(error, address);
    } finally {
      await queue.close();
    }
  },
};
