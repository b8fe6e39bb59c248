// Faults of the queue with a real redis-server and real worker processes of the built CLI: a worker killed with
// kill -9 in the middle of a training loses its job to another worker, which resumes the run from its last
// checkpoint, and the sweep's numbers are those of an uninterrupted local sweep (TF.js engine, wasm backend, one
// thread: bit-identical); Redis restarted while a training runs makes the coordinator and the worker wait and
// reconnect, and every job still runs to completion exactly once.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSummary } from '../../../runtime/src/sweep/sweep-run.ts';
import { tinyRecipe } from '../test-recipe.ts';
import { runCliProcess, startCli, startRedis, startWorker, stopWorker, until, type CliProcess, type TestRedis } from './test-queue.ts';

const RECIPE = `${tinyRecipe({ name: 'faults', trainVideos: 2, frames: 24, teacherEpochs: 5, walkers: [1, 2], metrics: ['micro_auc', 'macro_auc', 'rbdc', 'tbdc'] })}`
  + 'sweep: { grid: { scoring.weights.teacher: [0, 1] } }\n';

/** The run folder of the sweep's first training under `out`, once it has a checkpoint (an epoch finished). */
async function checkpointedRun(workspace: string, out: string): Promise<string> {
  let found = '';
  await until(async () => {
    const base = join(workspace, out, 'faults');
    const name = existsSync(base) ? (await readdir(base)).find((entry) => entry.endsWith('-t0')) : undefined;
    found = name === undefined ? '' : join(base, name);
    return found !== '' && existsSync(join(found, 'checkpoints', 'model.ckpt'));
  }, 120_000, `a checkpoint under ${out}`);
  return found;
}

const metricsOf = (summary: SweepSummary) => summary.runs.map((entry) => [entry.index, entry.values, entry.metrics]);

describe('queue faults', () => {
  let redis: TestRedis;
  let workspace = '';
  let local: SweepSummary;
  const workers: CliProcess[] = []; // workers and coordinators, stopped after the tests, also when one fails

  beforeAll(async () => {
    redis = await startRedis(true);
    workspace = await mkdtemp(join(tmpdir(), 'vadc-queue-faults-'));
    await writeFile(join(workspace, 'faults.yaml'), RECIPE);
    const reference = await runCliProcess(['sweep', 'faults.yaml', '--out', 'local', '--json'], workspace);
    expect(reference.status, reference.stderr).toBe(0);
    local = JSON.parse(reference.stdout) as SweepSummary;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.close();
    if (workspace !== '') await rm(workspace, { recursive: true, force: true });
  });

  it('kill -9 of a training worker: another worker resumes from the checkpoint, same metrics as a local sweep', async () => {
    const fast = ['--lock-duration', '2000', '--stalled-interval', '1000'];
    const first = await startWorker(redis.url, workspace, fast);
    workers.push(first);
    const coordinator = startCli(['sweep', 'faults.yaml', '--out', 'killed', '--json', '--queue', redis.url], workspace);
    workers.push(coordinator);
    const run = await checkpointedRun(workspace, 'killed');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // Killed in the middle: the run is still marked running and was never scored.
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).status).toBe('training');
    expect(existsSync(join(run, 'metrics.json'))).toBe(false);

    const second = await startWorker(redis.url, workspace, fast);
    workers.push(second);
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const summary = JSON.parse(coordinator.stdout()) as SweepSummary;
    expect(summary.trainings.map((training) => training.source)).toEqual(['resumed']);
    expect(metricsOf(summary)).toEqual(metricsOf(local));
    expect(second.stderr()).toMatch(/-t0-train: started \(train, start 2: taken over after its worker stopped\)/);
    expect(second.stderr()).toContain(`resuming ${run}`);
    expect(coordinator.stderr()).toMatch(/t0 train: running \(taken over, start 2\)/);
    expect(await stopWorker(second)).toBe(0);
  }, 240_000);

  it('Redis restarted during a training: the sweep waits, reconnects and finishes; each job completes once', async () => {
    await Promise.all(workers.map(stopWorker)); // only this test's worker may take its jobs
    const worker = await startWorker(redis.url, workspace, ['--lock-duration', '10000', '--stalled-interval', '2000']);
    workers.push(worker);
    const coordinator = startCli(['sweep', 'faults.yaml', '--out', 'restarted', '--json', '--queue', redis.url], workspace);
    workers.push(coordinator);
    await checkpointedRun(workspace, 'restarted');
    await redis.restart(1000);
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const summary = JSON.parse(coordinator.stdout()) as SweepSummary;
    expect(summary.trainings.map((training) => training.source)).toEqual(['trained']);
    expect(metricsOf(summary)).toEqual(metricsOf(local));
    expect(coordinator.stderr()).toMatch(/waiting for Redis to come back/);
    const log = worker.stderr();
    for (const job of ['t0-train', 't0-evaluate']) {
      expect(log.match(new RegExp(`${summary.id}-${job}: started`, 'g')), log).toHaveLength(1);
      expect(log.match(new RegExp(`${summary.id}-${job}: completed`, 'g')), job).toHaveLength(1);
    }
    expect(await readdir(join(workspace, 'restarted', 'faults'))).toEqual(expect.arrayContaining([`${summary.id}-t0`, `sweep-${summary.id}`]));
    expect(await stopWorker(worker)).toBe(0);
  }, 240_000);
});
