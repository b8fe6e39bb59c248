// The code a `vadc worker` runs for each job, in one of BullMQ's sandboxed worker threads: the worker's main thread
// stays free to renew the job's lock while a training keeps this thread busy, and a kill -9 of the worker ends both.
// A job is refused when a Plan does not hash to the hash it came with (a truncated or tampered job, or a worker of
// another vadc version that resolves Plans differently), and when it names a path outside the worker's
// `--allow-root` folders (links resolved), with that path named. A run's writer holds the run's lease in Redis
// (redis-lease.ts): a job whose run is held by a live holder waits for it, and a holder that lost its lease (Redis
// away longer than the lease, or taken over) stops writing and waits to take the lease again.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { workerData } from 'node:worker_threads';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { planHash, trainingHash, type Plan, type SweepRun } from '@vadc/dsl';
import { selectBackend, type MaskedAutoencoder, openDetector, type Detector, scoreFile, readRun, LeaseLostError, type LeaseStoreFor, runFolderPath, evaluateGroup, trainingFor, loadTrainedModel, readTrainedRun } from '@vadc/runtime';
import type { CommandIO, TrainingStepReport } from '../command.ts';
import { EXIT_INTERNAL } from '../command.ts';
import { exitStatusOf } from '../exit-status.ts';
import type {
  EvaluateJobData, EvaluateJobResult, QueueSweepOptions, ScoreJobData, ScoreJobResult, TrainJobData, TrainJobResult, VadcJobData,
} from './job-types.ts';
import { confinedPath, mapPath, type PathMapping } from './path-map.ts';
import { redisLeases } from './redis-lease.ts';

/** What runWorker gives each job thread (worker.ts). */
export interface JobThreadData {
  pathMaps: PathMapping[];
  /** Folders (links resolved) inside which every path of a job must lie. */
  allowRoots: string[];
  /** The queue's redis:// address: run leases live there. */
  queueUrl: string;
}

const settings = (workerData ?? {}) as Partial<JobThreadData>;
const pathMaps = settings.pathMaps ?? [];
const map = (path: string) => mapPath(path, pathMaps);
const leases = settings.queueUrl === undefined ? null : redisLeases(settings.queueUrl);

/** `path` (as this worker sees it) inside the worker's roots, links resolved; a refusal naming it otherwise. */
async function allowed(path: string, what: string): Promise<string> {
  const roots = settings.allowRoots ?? [process.cwd()];
  if ((await confinedPath(path, roots)) === null) {
    throw new UnrecoverableError(`refused: the job's ${what} ${path} is outside this worker's allowed folders (${roots.join(', ')}); start the worker with --allow-root for it`);
  }
  return path;
}

/** Every folder a sweep job reads or writes: the output folder, the dataset and its cache. */
async function checkSweepPaths(options: QueueSweepOptions, plan: Plan): Promise<void> {
  await allowed(options.outRoot, 'output folder');
  if (plan.data.root !== null) await allowed(plan.data.root, 'data.root');
  if (plan.data.cache_dir !== null) await allowed(plan.data.cache_dir, 'data.cache_dir');
}

/** A run folder under `outRoot`, refused (naming it) when its recipe name or run id would leave it or the roots. */
async function runFolder(outRoot: string, name: string, id: string): Promise<string> {
  let directory: string;
  try {
    directory = runFolderPath(outRoot, name, id);
  } catch (error) {
    throw new UnrecoverableError(`refused: ${error instanceof Error ? error.message : String(error)}`);
  }
  return allowed(directory, 'run folder');
}

/**
 * The run leases of this job: in Redis, keyed by the run folder as the coordinator named it (every worker maps the
 * same folder to the same key, whatever its --path-map).
 */
function leaseStoreFor(coordinatorOutRoot: string, outRoot: string): LeaseStoreFor | undefined {
  if (leases === null) return undefined;
  return (directory) => leases.storeFor(join(coordinatorOutRoot, relative(outRoot, directory)));
}

/** The job's log lines go to the worker's stderr, each prefixed with the job id. */
function jobIo(job: SandboxedJob): CommandIO {
  const write = (text: string) => {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) process.stderr.write(`[${job.id}] ${line}\n`);
  };
  // Training progress becomes the job's progress (the coordinator shows epoch and frames/s), at most once a second.
  let reportedAt = 0;
  const onTrainingStep = (report: TrainingStepReport) => {
    if (performance.now() - reportedAt < 1000) return;
    reportedAt = performance.now();
    void job.updateProgress({ ...report }).catch(() => undefined);
  };
  return { stdout: write, stderr: write, isTerminal: false, cwd: process.cwd(), env: {}, onTrainingStep };
}

/** Refuses a group whose Plans do not hash to the hashes the job carries; returns it with paths mapped. */
async function checkedGroup(group: readonly SweepRun[], expectedTrainingHash: string): Promise<SweepRun[]> {
  for (const combination of group) {
    const hash = await planHash(combination.plan);
    if (hash !== combination.hash) throw new UnrecoverableError(`refused: combination ${combination.index}'s Plan hashes to ${hash.slice(0, 12)}, the job says ${combination.hash.slice(0, 12)}`);
    const training = await trainingHash(combination.plan);
    if (training !== expectedTrainingHash) throw new UnrecoverableError(`refused: combination ${combination.index}'s training hash is ${training.slice(0, 12)}, the job says ${expectedTrainingHash.slice(0, 12)}`);
  }
  return group.map((combination) => ({ ...combination, plan: mappedPlan(combination.plan) }));
}

/** The Plan with its dataset and cache folders as this worker sees them (after the hash check). */
function mappedPlan(plan: Plan): Plan {
  if (pathMaps.length === 0) return plan;
  const { root, cache_dir: cacheDir } = plan.data;
  return { ...plan, data: { ...plan.data, root: root === null ? null : map(root), cache_dir: cacheDir === null ? null : map(cacheDir) } };
}

const mappedOptions = (options: QueueSweepOptions): QueueSweepOptions => ({ ...options, outRoot: map(options.outRoot), recipePath: map(options.recipePath) });
const since = (start: number) => (performance.now() - start) / 1000;

async function train(job: SandboxedJob<TrainJobData>): Promise<TrainJobResult> {
  const start = performance.now();
  const { data } = job;
  const group = await checkedGroup(data.group, data.trainingHash);
  const options = mappedOptions(data.options);
  await checkSweepPaths(options, group[0]!.plan);
  await runFolder(options.outRoot, group[0]!.plan.name, data.runId);
  const io = jobIo(job);
  const ownership = { leaseStore: leaseStoreFor(data.options.outRoot, options.outRoot), leaseWait: 'wait' as const };
  for (;;) {
    try {
      const { folder, source } = await trainingFor(group, data.trainingHash, data.runId, options, io, ownership);
      return { run: relative(join(options.outRoot, group[0]!.plan.name), folder.directory), source, seconds: since(start) };
    } catch (error) {
      // Cut off from Redis for longer than the lease, or taken over: nothing was written since; whoever holds the
      // lease now goes on, and this job takes it again when it is free (then re-uses or resumes the run).
      if (!(error instanceof LeaseLostError)) throw error;
      io.stderr(`${error.message}; waiting to take the run's lease again\n`);
    }
  }
}

async function evaluate(job: SandboxedJob<EvaluateJobData>): Promise<EvaluateJobResult> {
  const start = performance.now();
  const { data } = job;
  const group = await checkedGroup(data.group, data.trainingHash);
  const options = mappedOptions(data.options);
  await checkSweepPaths(options, group[0]!.plan);
  const [trained] = Object.values(await job.getChildrenValues<TrainJobResult>());
  if (trained === undefined) throw new UnrecoverableError(`evaluate t${data.training}: its train job left no result`);
  const directory = await runFolder(options.outRoot, group[0]!.plan.name, trained.run);
  const folder = await readRun(directory);
  if (folder === null) throw new UnrecoverableError(`evaluate t${data.training}: ${directory} is not a run folder (is the output folder shared with the worker that trained it?)`);
  const evaluated = await evaluateGroup(folder, group, { training: data.training, training_hash: data.trainingHash, run: trained.run }, options, jobIo(job));
  return { ...evaluated, seconds: since(start) };
}

/** Detectors this thread scored with, by run folder, engine and backend: per-video jobs of one run load its model once. */
const detectors = new Map<string, Promise<Detector>>();

async function score(job: SandboxedJob<ScoreJobData>): Promise<ScoreJobResult> {
  const start = performance.now();
  const { data } = job;
  const runDirectory = await allowed(map(data.run), 'run folder');
  const mapped = map(data.input);
  // The coordinator saw the input, so a worker that does not sees storage that is not (yet) shared: worth a retry.
  if (!existsSync(mapped)) throw Object.assign(new Error(`${mapped} is not visible on this worker (the coordinator saw it: is the storage shared, is --path-map right?)`), { code: 'ENOENT' });
  const input = await allowed(mapped, 'input');
  const hash = await planHash(JSON.parse(await readFile(join(runDirectory, 'plan.json'), 'utf8')) as Plan);
  if (hash !== data.planHash) throw new UnrecoverableError(`refused: ${runDirectory}/plan.json hashes to ${hash.slice(0, 12)}, the job says ${data.planHash.slice(0, 12)}`);
  const key = JSON.stringify([runDirectory, data.engine ?? null, data.backend ?? null]);
  let opened = detectors.get(key);
  if (opened === undefined) {
    // The detector `vadc score <run> [--engine e]` opens, so each job's scores equal a local score of the same input on
    // the same engine (the run's runtime.engine unless the command named one).
    opened = openDetector(runDirectory, process.cwd(), { engine: data.engine ?? null, backend: data.backend ?? null });
    detectors.set(key, opened);
    opened.catch(() => detectors.delete(key));
  }
  const detector = await opened;
  // The threshold and event times of a local `vadc score`: the command's, else the run's calibration / the input's rate.
  const { source, files } = await scoreFile(detector, input, { threshold: data.threshold ?? null, fps: data.fps ?? null });
  return { name: source.name, frames: source.frameCount, files, seconds: since(start) };
}

/** BullMQ's entry point for a sandboxed processor. */
export default async function processVadcJob(job: SandboxedJob<VadcJobData>): Promise<unknown> {
  try {
    return await processByKind(job);
  } catch (error) {
    // Errors of the job's own input (a broken video, a dataset with problems) fail it at once; anything else (a file
    // not yet visible on shared storage, a lost connection) is retried up to the job's attempts, with backoff.
    const ownInput = error instanceof Error && !(error instanceof UnrecoverableError) && typeof (error as { code?: unknown }).code !== 'string' && exitStatusOf(error) !== EXIT_INTERNAL;
    throw ownInput ? new UnrecoverableError((error as Error).message) : error;
  }
}

async function processByKind(job: SandboxedJob<VadcJobData>): Promise<unknown> {
  const data = job.data;
  switch (data.kind) {
    case 'train': return train(job as SandboxedJob<TrainJobData>);
    case 'evaluate': return evaluate(job as SandboxedJob<EvaluateJobData>);
    case 'score': return score(job as SandboxedJob<ScoreJobData>);
    case 'sweep': return { sweepId: data.sweepId };
    default: throw new UnrecoverableError(`unknown job kind ${JSON.stringify((data as { kind?: unknown }).kind)} (a newer vadc's job?)`);
  }
}
