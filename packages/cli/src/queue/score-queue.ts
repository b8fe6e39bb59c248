// `vadc score <run> <inputs...> --queue`: one job per video file or frame folder. The coordinator checks the run and
// the inputs, queues the jobs, waits, and writes each input's scores.csv exactly where, and exactly as, a local
// `vadc score <run> <input>` writes it: the workers send the CSV text back in the job's result.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { planHash, type EngineName, type Plan } from '@vadc/dsl';
import { UsageError, type CommandIO } from '../command.ts';
import { writeFileAtomic } from '../run/files.ts';
import { readTrainedRun } from '../run/trained-run.ts';
import { QUEUE_NAME, type QueueAddress } from './connection.ts';
import type { ScoreJobData, ScoreJobResult } from './job-types.ts';
import { JOB_OPTIONS } from './sweep-queue.ts';
import { queueOverhead, waitForJobs } from './wait-jobs.ts';

/** What a queued scoring needs from the command line. */
export interface QueueScoreRequest {
  folder: string;
  inputs: string[];
  /** --out: the output folder of a single input, or the parent of one folder per input. */
  out: string | null;
  backend: string | null;
  /** --engine: the engine every job scores on (null: the run's runtime.engine). */
  engine: EngineName | null;
}

/** Scores every input on the queue's workers; writes <out>/scores.csv per input. Returns the files written. */
export async function queueScore(request: QueueScoreRequest, address: QueueAddress, io: CommandIO): Promise<string[]> {
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

  const stamp = `score-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`; // a PID is 1 in every container
  const queue = new Queue(QUEUE_NAME, { connection: address.connection });
  try {
    const jobs = inputs.map((input, index) => ({ id: `${stamp}-${index}`, label: names[index]!, input }));
    await queue.addBulk(jobs.map((job) => ({
      name: 'score', data: { kind: 'score', run: run.directory, planHash: hash, input: job.input, backend: request.backend, engine: request.engine } satisfies ScoreJobData,
      opts: { ...JOB_OPTIONS, jobId: job.id },
    })));
    io.stderr(`score: ${jobs.length} video${jobs.length === 1 ? '' : 's'} queued on ${address.display}\n`);
    const finished = await waitForJobs(queue, jobs, io);
    io.stderr(`${queueOverhead(finished.values())}\n`);
    const written: string[] = [];
    for (const [index, job] of jobs.entries()) {
      const result = finished.get(job.id)!.value as ScoreJobResult;
      const outDir = request.out === null ? join(run.directory, 'scored', result.name)
        : resolve(io.cwd, inputs.length === 1 ? request.out : join(request.out, names[index]!));
      await writeFileAtomic(join(outDir, 'scores.csv'), result.csv);
      io.stdout(`scores: ${join(outDir, 'scores.csv')} (${result.frames} frames; score = weighted components, unsmoothed)\n`);
      written.push(join(outDir, 'scores.csv'));
    }
    return written;
  } finally {
    await queue.close();
  }
}
