// Runs owned by lease across machines, with a real redis-server and real `vadc worker` processes of the built CLI,
// each in its own UTS and PID namespaces (`unshare`: its own host name, and node as PID 1, as in a pod): a worker
// killed with -9 is taken over by a worker on another host, a worker restarted under the same host name as PID 1
// takes its own run over, and a Redis outage longer than the lease leaves one writer; each sweep gives the local
// sweep's numbers with every training done once. Also: two sweeps of one recipe name started in the same second
// get their own ids and numbers, and a job naming paths outside the worker's --allow-root folders fails naming them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { planHash, trainingHash, type Plan } from '@vadc/dsl';
import type { SweepSummary } from '../../../runtime/src/sweep/sweep-run.ts';
import { tinyRecipe } from '../test-recipe.ts';
import { QUEUE_NAME, parseQueueUrl } from './connection.ts';
import type { ScoreJobData, TrainJobData } from './job-types.ts';
import { CLI, redisMissing, runCliProcess, startCli, startRedis, until, type CliProcess, type TestRedis } from './test-queue.ts';

const RECIPE = `${tinyRecipe({ name: 'own', trainVideos: 1, frames: 16, teacherEpochs: 4, walkers: [1, 2], metrics: ['micro_auc', 'macro_auc', 'rbdc', 'tbdc'] })}`
  + 'sweep: { grid: { scoring.weights.teacher: [0, 1] } }\n';

/** Run leases of 4 s (above the tiny recipe's longest synchronous step), job locks of 2 s: takeovers within seconds. */
const LEASE_MS = '4000';
const FAST = ['--lock-duration', '2000', '--stalled-interval', '1000'];

function namespacesMissing(): string | null {
  if (process.getuid?.() !== 0) return 'not root: workers in their own UTS and PID namespaces need unshare as root (CI runs as root)';
  const probe = spawnSync('unshare', ['--uts', '--pid', '--fork', '--mount-proc', 'true']);
  return probe.status === 0 ? null : `unshare --uts --pid --fork --mount-proc failed here (${probe.stderr?.toString().trim() || probe.error?.message})`;
}
const skipped = redisMissing() ?? namespacesMissing();

/**
 * A `vadc worker` as a machine of its own: host name `host`, node as PID 1 of a new PID namespace. kill -9 of the
 * handle kills the worker too (--kill-child: the namespace's PID 1 gets SIGKILL when unshare dies).
 */
async function startMachineWorker(url: string, cwd: string, host: string, extra: string[] = []): Promise<CliProcess> {
  const command = `hostname ${host} && exec "${process.execPath}" "${CLI}" worker --queue ${url} ${[...FAST, ...extra].join(' ')}`;
  const child = spawn('unshare', ['--uts', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', 'sh', '-c', command], {
    cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VADC_LEASE_MS: LEASE_MS },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
  const worker: CliProcess = {
    child, exited, stdout: () => out, stderr: () => err,
    waitFor: (text, ms = 60_000) => until(() => (typeof text === 'string' ? err.includes(text) : text.test(err)), ms, `stderr to show ${String(text)}; it has:\n${err}`),
  };
  await worker.waitFor('waiting for jobs', 120_000);
  return worker;
}

async function kill9(process: CliProcess): Promise<void> {
  if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
  await process.exited;
}

/** The sweep's training folders under `<out>/own` (those ending in -t<k>). */
async function trainingFolders(workspace: string, out: string): Promise<string[]> {
  const base = join(workspace, out, 'own');
  return existsSync(base) ? (await readdir(base)).filter((name) => /-t\d+(-\d+)?$/.test(name)).map((name) => join(base, name)) : [];
}

async function checkpointedRun(workspace: string, out: string): Promise<string> {
  let found = '';
  await until(async () => {
    found = (await trainingFolders(workspace, out))[0] ?? '';
    return found !== '' && existsSync(join(found, 'checkpoints', 'model.ckpt'));
  }, 400_000, `a checkpoint under ${out}`);
  return found;
}

/** The optimizer steps train.jsonl holds, in order: each step once when every training was done once. */
async function steps(run: string): Promise<string[]> {
  const lines = (await readFile(join(run, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { stage?: string; step?: number; type?: string });
  return lines.filter((line) => line.type === undefined).map((line) => `${line.stage}:${line.step}`);
}

const metricsOf = (summary: SweepSummary) => summary.runs.map((entry) => [entry.index, entry.values, entry.hash, entry.metrics]);

describe.skipIf(skipped !== null)(`runs owned by lease across machines${skipped === null ? '' : ` (skipped: ${skipped})`}`, () => {
  let redis: TestRedis;
  let workspace = '';
  let local: SweepSummary;
  let localSteps: string[] = [];
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis(true);
    workspace = await mkdtemp(join(tmpdir(), 'vadc-ownership-'));
    await writeFile(join(workspace, 'own.yaml'), RECIPE);
    const reference = await runCliProcess(['sweep', 'own.yaml', '--out', 'local', '--json'], workspace);
    expect(reference.status, reference.stderr).toBe(0);
    local = JSON.parse(reference.stdout) as SweepSummary;
    localSteps = await steps((await trainingFolders(workspace, 'local'))[0]!);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(processes.map(kill9));
    await redis?.close();
    if (workspace !== '') await rm(workspace, { recursive: true, force: true });
  });

  /** Starts the coordinator of a sweep into `out` (an ordinary process: it only waits). */
  function coordinator(out: string, extra: string[] = []): CliProcess {
    const started = startCli(['sweep', 'own.yaml', '--out', out, '--json', '--queue', redis.url, ...extra], workspace);
    processes.push(started);
    return started;
  }

  async function expectLocalNumbers(sweep: CliProcess, out: string, logs: string): Promise<SweepSummary> {
    expect(await sweep.exited, `${sweep.stderr()}\n--- workers:\n${logs}`).toBe(0);
    const summary = JSON.parse(sweep.stdout()) as SweepSummary;
    expect(metricsOf(summary)).toEqual(metricsOf(local));
    const folders = await trainingFolders(workspace, out);
    expect(folders, 'one run folder per training').toHaveLength(1);
    expect(await steps(folders[0]!), 'each optimizer step once').toEqual(localSteps);
    return summary;
  }

  it('kill -9 of a worker: a worker on another host takes the expired lease over and resumes, local numbers', async () => {
    const first = await startMachineWorker(redis.url, workspace, 'machine-a');
    processes.push(first);
    const sweep = coordinator('killed');
    const run = await checkpointedRun(workspace, 'killed');
    await kill9(first);
    const second = await startMachineWorker(redis.url, workspace, 'machine-b');
    processes.push(second);
    const summary = await expectLocalNumbers(sweep, 'killed', second.stderr());
    expect(summary.trainings.map((training) => training.source)).toEqual(['resumed']);
    expect(second.stderr()).toContain(`resuming ${run}`);
    expect(second.stderr().match(/-t0-train: completed/g)).toHaveLength(1);
    await kill9(second);
  }, 600_000);

  it('a worker restarted as PID 1 under the same host name takes its own run over, local numbers', async () => {
    const first = await startMachineWorker(redis.url, workspace, 'pod-0');
    processes.push(first);
    const sweep = coordinator('restarted');
    const run = await checkpointedRun(workspace, 'restarted');
    await kill9(first);
    const again = await startMachineWorker(redis.url, workspace, 'pod-0');
    processes.push(again);
    await expectLocalNumbers(sweep, 'restarted', again.stderr());
    expect(again.stderr()).toContain(`resuming ${run}`);
    await kill9(again);
  }, 600_000);

  it('Redis away for longer than the lease while one worker trains and one waits: one writer, local numbers, each job completed once', async () => {
    const workers = [await startMachineWorker(redis.url, workspace, 'node-1'), await startMachineWorker(redis.url, workspace, 'node-2')];
    processes.push(...workers);
    const sweep = coordinator('outage');
    await checkpointedRun(workspace, 'outage');
    await redis.restart(Number(LEASE_MS) + 4000);
    const logs = () => workers.map((worker) => worker.stderr()).join('');
    const summary = await expectLocalNumbers(sweep, 'outage', logs());
    for (const job of ['t0-train', 't0-evaluate']) expect(logs().match(new RegExp(`${summary.id}-${job}: completed`, 'g')), logs()).toHaveLength(1);
    await Promise.all(workers.map(kill9));
  }, 600_000);

  it('two sweeps of one recipe name started in the same second get their own ids, jobs and numbers', async () => {
    const workers = [await startMachineWorker(redis.url, workspace, 'twin-1'), await startMachineWorker(redis.url, workspace, 'twin-2')];
    processes.push(...workers);
    const wider = ['--set', 'model.encoder.dim=24'];
    const [plain, changed] = await Promise.all([
      runCliProcess(['sweep', 'own.yaml', '--out', 'twins', '--json', '--queue', redis.url], workspace),
      runCliProcess(['sweep', 'own.yaml', '--out', 'twins', '--json', '--queue', redis.url, ...wider], workspace),
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(changed.status, changed.stderr).toBe(0);
    const [a, b] = [JSON.parse(plain.stdout) as SweepSummary, JSON.parse(changed.stdout) as SweepSummary];
    expect(a.id).not.toBe(b.id);
    expect(metricsOf(a)).toEqual(metricsOf(local));
    const reference = await runCliProcess(['sweep', 'own.yaml', '--out', 'local-wider', '--json', ...wider], workspace);
    expect(reference.status, reference.stderr).toBe(0);
    expect(metricsOf(b)).toEqual(metricsOf(JSON.parse(reference.stdout) as SweepSummary));
    expect(b.runs.map((entry) => entry.hash)).not.toEqual(a.runs.map((entry) => entry.hash));
    await Promise.all(workers.map(kill9));
  }, 600_000);

  it('refuses a job naming paths outside the worker\'s --allow-root folders, with the path named', async () => {
    const worker = await startMachineWorker(redis.url, workspace, 'confined');
    processes.push(worker);
    const plan = JSON.parse(await readFile(join((await trainingFolders(workspace, 'local'))[0]!, 'plan.json'), 'utf8')) as Plan;
    const group = [{ index: 0, values: {}, overrides: [], plan, hash: await planHash(plan), trainingHash: await trainingHash(plan), origins: {} }];
    const outside = join('/var/tmp', `vadc-outside-${process.pid}-${Date.now()}`);
    await mkdir(join(workspace, 'links'), { recursive: true });
    await symlink('/var/tmp', join(workspace, 'links', 'var-tmp'));
    const options = (outRoot: string) => ({ recipePath: join(workspace, 'own.yaml'), outRoot, backend: null, scoringOnlyKeys: [], trainingKeys: [], sweepId: 'by-hand' });
    const train = (outRoot: string, runId: string): TrainJobData => ({ kind: 'train', group, trainingHash: group[0]!.trainingHash, runId, options: options(outRoot) });
    const score: ScoreJobData = { kind: 'score', run: join((await trainingFolders(workspace, 'local'))[0]!), planHash: group[0]!.hash, input: '/etc', backend: null };
    const cases: Array<[string, TrainJobData | ScoreJobData, RegExp]> = [
      ['outside', train(outside, '../../escape'), new RegExp(`^refused: the job's output folder ${outside} is outside this worker's allowed folders \\(${workspace}\\)`)],
      ['link', train(join(workspace, 'links', 'var-tmp', 'runs'), 'plain'), new RegExp(`^refused: the job's output folder ${workspace}/links/var-tmp/runs is outside`)],
      ['run-id', train(join(workspace, 'inside'), '../../escape'), new RegExp(`^refused: run id "\\.\\./\\.\\./escape" is not one plain folder name: the run would be written at ${workspace}/escape, outside ${workspace}/inside`)],
      ['score-input', score, /^refused: the job's input \/etc is outside this worker's allowed folders/],
    ];
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).connection });
    try {
      for (const [name, data, reason] of cases) {
        const job = await queue.add(data.kind, data, { attempts: 1, jobId: `by-hand-${name}` });
        await until(async () => (await job.getState()) === 'failed', 120_000, `the ${name} job to fail`);
        expect((await queue.getJob(`by-hand-${name}`))!.failedReason, name).toMatch(reason);
      }
    } finally {
      await queue.close();
    }
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(workspace, 'escape'))).toBe(false);
    expect(existsSync(join(workspace, 'inside'))).toBe(false);
    await kill9(worker);
  }, 300_000);
});
