// `vadc score <run> <inputs...> --queue`: one job per video file or frame folder. The coordinator checks Redis, the
// run and the inputs, records the batch, queues the jobs, waits for every one of them, and writes each input that
// was scored exactly where, and exactly as, a local `vadc score <run> <input>` writes it (scores.csv, decisions.csv,
// events.json, events.csv: the workers send the files' text back in the job's result). Inputs that failed are named
// and the command exits 2 after writing the others. `vadc queue attach` finishes a batch the same way.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { planHash, type EngineName, type Plan } from '@vadc/dsl';
import { UsageError, type CommandIO } from '../command.ts';
import { writeScoredFiles, readTrainedRun } from '@vadc/runtime';
import { saveBatch, type BatchRecord } from './batches.ts';
import { checkQueue, QUEUE_NAME, queueFailure, type QueueAddress } from './connection.ts';
import type { ScoreJobData, ScoreJobResult } from './job-types.ts';
import { jobOptions, sayWorkers, type QueueRequest } from './sweep-queue.ts';
import { QueueJobFailed, queueOverhead, waitForJobs } from './wait-jobs.ts';

/** What a queued scoring needs from the command line. */
export interface QueueScoreRequest {
  folder: string;
  inputs: string[];
  /** --out: the output folder of a single input, or the parent of one folder per input. */
  out: string | null;
  backend: string | null;
  /** --engine: the engine every job scores on (null: the run's runtime.engine). */
  engine: EngineName | null;
  /** --threshold and --fps (null: the run's calibration, as a local score). */
  threshold: number | null;
  fps: number | null;
}

/** Scores every input on the queue's workers; writes each input's files. Returns the scores.csv files written. */
export async function queueScore(request: QueueScoreRequest, queueRequest: QueueRequest, io: CommandIO): Promise<string[]> {
  const { address } = queueRequest;
  const { run } = await readTrainedRun(request.folder, io.cwd);
  const hash = await planHash(JSON.parse(await readFile(join(run.directory, 'plan.json'), 'utf8')) as Plan);
  const inputs = request.inputs.map((input) => resolve(io.cwd, input));
  for (const input of inputs) {
    if ((await stat(input).catch(() => null)) === null) throw new UsageError(`no such video file or frame folder: ${input}`);
  }
  // The name `vadc score` gives the video: the file name without its extension, or the folder's name.
  const names = await Promise.all(inputs.map(async (input) => ((await stat(input)).isDirectory() ? basename(input) : basename(input, extname(input)))));
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new UsageError(`two inputs are both named "${duplicate}": their scores would overwrite each other`);
  const health = await checkQueue(address);

  const stamp = `score-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`; // a PID is 1 in every container
  const jobs = inputs.map((input, index) => ({ id: `${stamp}-${index}`, label: names[index]!, input }));
  const folders = Object.fromEntries(jobs.map((job, index) => [job.id, request.out === null ? join(run.directory, 'scored', names[index]!)
    : resolve(io.cwd, inputs.length === 1 ? request.out : join(request.out, names[index]!))]));
  const queue = new Queue(QUEUE_NAME, { connection: address.connection });
  try {
    const batch = await saveBatch(queue, { id: stamp, kind: 'score', name: run.directory, jobs: jobs.map(({ id, label }) => ({ id, label })), outputs: { folders } });
    await queue.addBulk(jobs.map((job) => ({
      name: 'score',
      data: { kind: 'score', run: run.directory, planHash: hash, input: job.input, backend: request.backend, engine: request.engine, threshold: request.threshold, fps: request.fps } satisfies ScoreJobData,
      opts: { ...jobOptions(queueRequest.attempts), jobId: job.id },
    })));
    io.stderr(`score: ${jobs.length} video${jobs.length === 1 ? '' : 's'} queued on ${address.display} as batch ${stamp} (vadc queue status ${stamp} --queue ${address.display})\n`);
    sayWorkers(health.workers, address, (text) => io.stderr(`${text}\n`));
    return await awaitScore(queue, batch, address, io);
  } catch (error) {
    throw queueFailure(error, address);
  } finally {
    await queue.close();
  }
}

/** Waits for every job of a score batch, writes the files of each input scored, and fails naming the inputs that were not. */
export async function awaitScore(queue: Queue, batch: BatchRecord, address: QueueAddress, io: CommandIO): Promise<string[]> {
  const settled = await waitForJobs(queue, { batch, address, pastFailures: true }, io);
  io.stderr(`${queueOverhead(settled.finished.values())}\n`);
  const written: string[] = [];
  for (const job of batch.jobs) {
    const finished = settled.finished.get(job.id);
    if (finished === undefined) continue;
    const result = finished.value as ScoreJobResult;
    const outDir = batch.outputs!.folders[job.id]!;
    await writeScoredFiles(outDir, result.files);
    io.stdout(`scores: ${join(outDir, 'scores.csv')} (${result.frames} frames; events.csv, events.json, decisions.csv beside it)\n`);
    written.push(join(outDir, 'scores.csv'));
  }
  if (settled.failed.size > 0) {
    const failures = batch.jobs.filter((job) => settled.failed.has(job.id)).map((job) => `${job.label}: ${settled.failed.get(job.id)}`);
    throw new QueueJobFailed(`${failures.length} of ${batch.jobs.length} input${batch.jobs.length === 1 ? '' : 's'} failed (the other${written.length === 1 ? '' : 's'} written): ${failures.join('; ')}`);
  }
  return written;
}
