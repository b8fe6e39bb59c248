// The queue end to end with a real redis-server and two real `vadc worker` processes of the built CLI: a sweep
// through the queue gives the local sweep's sweep.json numbers, per-video scoring through the queue writes the
// same scores.csv bytes as local `vadc score`, a bad input fails once with its error shown by the coordinator, a
// Plan that does not match its hash is refused, and SIGTERM stops a worker cleanly.
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Plan } from '@vadc/dsl';
import { openDataset } from '@vadc/runtime';
import { writeVideoPngs } from '../test-frames-dataset.ts';
import type { SweepSummary } from '../../../runtime/src/sweep/sweep-run.ts';
import { tinyRecipe } from '../test-recipe.ts';
import { QUEUE_NAME, parseQueueUrl } from './connection.ts';
import type { TrainJobData } from './job-types.ts';
import { runCliProcess, startRedis, startWorker, stopWorker, until, type CliProcess, type TestRedis } from './test-queue.ts';
import { onnxInstalled } from '../test-onnx.ts';

const GRID = 'sweep: { grid: { model.decoder.depth: [2, 3], scoring.weights.teacher: [0, 1] } }\n';
const RECIPE = `${tinyRecipe({ name: 'grid', trainVideos: 1, frames: 16, walkers: [1, 2], metrics: ['micro_auc', 'macro_auc', 'rbdc', 'tbdc'] })}${GRID}`;

describe('vadc sweep and score through the queue (two workers)', () => {
  let redis: TestRedis;
  let workspace = '';
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis(false);
    workspace = await mkdtemp(join(tmpdir(), 'vadc-queue-'));
    await writeFile(join(workspace, 'grid.yaml'), RECIPE);
    for (let k = 0; k < 2; k++) workers.push(await startWorker(redis.url, workspace, ['--lock-duration', '5000', '--stalled-interval', '2000']));
  });

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.close();
    if (workspace !== '') await rm(workspace, { recursive: true, force: true });
  });

  it('gives the local sweep\'s numbers, with one training per model and every job done once', async () => {
    const [queued, local] = await Promise.all([
      runCliProcess(['sweep', 'grid.yaml', '--out', 'queued', '--json', '--queue', redis.url], workspace),
      runCliProcess(['sweep', 'grid.yaml', '--out', 'local', '--json'], workspace),
    ]);
    expect(queued.status, queued.stderr).toBe(0);
    expect(local.status, local.stderr).toBe(0);
    const fromQueue = JSON.parse(queued.stdout) as SweepSummary;
    const fromLocal = JSON.parse(local.stdout) as SweepSummary;
    expect(fromQueue.runs).toHaveLength(4);
    expect(fromQueue.runs.map((entry) => [entry.index, entry.values, entry.hash, entry.training_hash, entry.metrics]))
      .toEqual(fromLocal.runs.map((entry) => [entry.index, entry.values, entry.hash, entry.training_hash, entry.metrics]));
    expect(fromQueue.trainings.map((training) => [training.training, training.source, training.run]))
      .toEqual([[0, 'trained', `${fromQueue.id}-t0`], [1, 'trained', `${fromQueue.id}-t1`]]);
    expect(fromQueue.variants).toEqual(fromLocal.variants);
    expect(JSON.parse(await readFile(join(workspace, 'queued', 'grid', `sweep-${fromQueue.id}`, 'sweep.json'), 'utf8'))).toEqual(fromQueue);
    expect(await readFile(join(workspace, 'queued', 'grid', `sweep-${fromQueue.id}`, 'report.html'), 'utf8')).toContain('data-plot="sweep-model.decoder.depth"');
    // Progress went to stderr; the trainings ran on the workers.
    expect(queued.stderr).toMatch(/t1 train: done/);
    const logs = workers.map((worker) => worker.stderr()).join('');
    for (const job of ['t0-train', 't1-train', 't0-evaluate', 't1-evaluate']) {
      expect(logs.match(new RegExp(`${fromQueue.id}-${job}: completed`, 'g')), job).toHaveLength(1);
    }
  }, 240_000);

  it('scores videos as per-video jobs into the bytes a local vadc score writes', async () => {
    const runFolder = join(workspace, 'queued', 'grid', await readlink(join(workspace, 'queued', 'grid', 'latest')));
    const plan = JSON.parse(await readFile(join(runFolder, 'plan.json'), 'utf8')) as Plan;
    const inputs: string[] = [];
    for (const video of (await openDataset(plan)).test) {
      const folder = join(workspace, 'input', video.name);
      await writeVideoPngs(video, folder);
      inputs.push(folder);
    }
    const queued = await runCliProcess(['score', runFolder, ...inputs, '--out', 'by-queue', '--queue', redis.url], workspace);
    expect(queued.status, queued.stderr).toBe(0);
    expect(queued.stderr).toMatch(/2 videos queued/);
    for (const input of inputs) {
      const name = input.split('/').at(-1)!;
      const local = await runCliProcess(['score', runFolder, input, '--out', join('by-hand', name)], workspace);
      expect(local.status, local.stderr).toBe(0);
      const expected = await readFile(join(workspace, 'by-hand', name, 'scores.csv'), 'utf8');
      expect(expected.split('\n').length).toBeGreaterThan(10);
      expect(await readFile(join(workspace, 'by-queue', name, 'scores.csv'), 'utf8')).toBe(expected);
    }
    // --engine travels with the jobs: the workers score on the engine the command names, as a local score does.
    if (!onnxInstalled) return;
    const input = inputs[0]!;
    const onnxQueued = await runCliProcess(['score', runFolder, input, '--out', 'by-queue-onnx', '--engine', 'onnx', '--queue', redis.url], workspace);
    expect(onnxQueued.status, onnxQueued.stderr).toBe(0);
    const onnxLocal = await runCliProcess(['score', runFolder, input, '--out', 'by-hand-onnx', '--engine', 'onnx'], workspace);
    expect(onnxLocal.status, onnxLocal.stderr).toBe(0);
    expect(onnxLocal.stderr).toMatch(/engine: .*onnx/i);
    expect(await readFile(join(workspace, 'by-queue-onnx', 'scores.csv'), 'utf8')).toBe(await readFile(join(workspace, 'by-hand-onnx', 'scores.csv'), 'utf8'));
  }, 240_000);

  it('fails a job with a bad input once and shows its error', async () => {
    const runFolder = join(workspace, 'queued', 'grid', await readlink(join(workspace, 'queued', 'grid', 'latest')));
    const broken = join(workspace, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'f0.png'), 'not a png');
    const queued = await runCliProcess(['score', runFolder, broken, '--queue', redis.url], workspace);
    expect(queued.status).toBe(2);
    expect(queued.stderr).toMatch(/vadc score: 1 of 1 input failed \(the others written\): broken: .+/);
    await new Promise((done) => setTimeout(done, 3000)); // longer than a stalled check: nothing takes it again
    const logs = workers.map((worker) => worker.stderr()).join('');
    expect(logs.match(/: failed after/g)).toHaveLength(1);
    const id = /(score-\S+): failed after/.exec(logs)![1]!;
    expect(logs.match(new RegExp(`${id}: started`, 'g'))).toHaveLength(1);
  }, 120_000);

  it('refuses a Plan that does not hash to the hash its job carries', async () => {
    const plan = JSON.parse(await readFile(join(workspace, 'queued', 'grid', 'latest', 'plan.json'), 'utf8')) as Plan;
    const tampered: Plan = { ...plan, runtime: { ...plan.runtime, seed: plan.runtime.seed + 1 } };
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).connection });
    try {
      const data: TrainJobData = {
        kind: 'train', trainingHash: '0'.repeat(64), runId: 'tampered',
        group: [{ index: 0, values: {}, overrides: [], plan: tampered, hash: 'f'.repeat(64), trainingHash: '0'.repeat(64), origins: {} }],
        options: { recipePath: join(workspace, 'grid.yaml'), outRoot: join(workspace, 'tampered'), backend: null, scoringOnlyKeys: [], trainingKeys: [], sweepId: 'tampered' },
      };
      const job = await queue.add('train', data, { attempts: 1, jobId: 'tampered-plan' });
      await until(async () => (await job.getState()) === 'failed', 30_000, 'the tampered job to fail');
      const failed = await queue.getJob('tampered-plan');
      expect(failed!.failedReason).toMatch(/^refused: combination 0's Plan hashes to [0-9a-f]{12}, the job says ffffffffffff$/);
      expect(failed!.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('says what --queue needs', async () => {
    const missing = await runCliProcess(['worker'], workspace);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('vadc worker: give --queue redis://host:port');
    const wrong = await runCliProcess(['sweep', 'grid.yaml', '--queue', 'http://127.0.0.1:1'], workspace);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('vadc sweep: --queue must start with redis:// or rediss://, not "http://"');
  }, 60_000);

  it('stops a worker on SIGTERM with status 0', async () => {
    const worker = workers.pop()!;
    expect(await stopWorker(worker)).toBe(0);
    expect(worker.stderr()).toMatch(/SIGTERM: finishing the running jobs/);
    expect(worker.stderr()).toMatch(/worker: stopped/);
  }, 60_000);
});
