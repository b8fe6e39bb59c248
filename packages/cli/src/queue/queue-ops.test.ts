// Operating the queue as an engineer does (issue 26, point 4), with real redis-servers and real processes of the
// built CLI: the coordinator fails fast, exit 2, the cause named, on an unreachable Redis, a misspelt host, a wrong
// password and a full Redis; a worker does not retry a wrong password forever; the coordinator says when no worker
// is online and shows each job's progress; `vadc queue status | cancel | attach`; Ctrl-C asks (on a terminal) or
// leaves the jobs (without one) and says how to re-attach; transient failures retry with backoff (--attempts); a
// score batch writes every input that succeeded, with the events and decisions files of a local score, and names
// the ones that failed.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { openDataset } from '@vadc/runtime';
import { writeVideoPngs } from '../test-frames-dataset.ts';
import type { SweepSummary } from '../../../runtime/src/sweep/sweep-run.ts';
import { tinyRecipe } from '../test-recipe.ts';
import { CLI, runCliProcess, startCli, startProcess, startRedis, startWorker, stopWorker, until, type CliProcess, type TestRedis } from './test-queue.ts';
import { parseQueueUrl, redisOf } from './connection.ts';
import { Queue } from 'bullmq';

const RECIPE = `${tinyRecipe({ name: 'ops', trainVideos: 2, frames: 24, teacherEpochs: 4, metrics: ['micro_auc', 'macro_auc'] })}sweep: { grid: { scoring.weights.teacher: [0, 1] } }\n`;
const FILES = ['scores.csv', 'decisions.csv', 'events.json', 'events.csv'];
const batchOf = (stderr: string) => /as batch (\S+) /.exec(stderr)?.[1] ?? '';
const metricsOf = (summary: SweepSummary) => summary.runs.map((entry) => [entry.index, entry.values, entry.metrics]);

// Timeouts are generous: on a loaded shared machine a CLI process may take a minute to start.
describe('a queue you can operate (built CLI, real Redis)', () => {
  const processes: CliProcess[] = [];
  const servers: TestRedis[] = [];
  let redis: TestRedis;
  let workspace = '';
  let local: SweepSummary;
  let runFolder = '';
  const inputs: string[] = [];

  beforeAll(async () => {
    redis = await startRedis(false);
    servers.push(redis);
    workspace = await mkdtemp(join(tmpdir(), 'vadc-queue-ops-'));
    await writeFile(join(workspace, 'ops.yaml'), RECIPE);
    const reference = await runCliProcess(['sweep', 'ops.yaml', '--out', 'local', '--json'], workspace);
    expect(reference.status, reference.stderr).toBe(0);
    local = JSON.parse(reference.stdout) as SweepSummary;
    runFolder = join(workspace, 'local', 'ops', await readlink(join(workspace, 'local', 'ops', 'latest')));
    const plan = JSON.parse(await readFile(join(runFolder, 'plan.json'), 'utf8')) as Plan;
    for (const video of (await openDataset(plan)).test) {
      const folder = join(workspace, 'input', video.name);
      await writeVideoPngs(video, folder);
      inputs.push(folder);
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map(stopWorker));
    await Promise.all(servers.map((server) => server.close()));
    if (workspace !== '') await rm(workspace, { recursive: true, force: true });
  });

  it('fails fast, exit 2, naming the cause: nothing listening, a misspelt host, a wrong or missing password, a full Redis', async () => {
    const locked = await startRedis(false, ['--requirepass', 's3cret']);
    const full = await startRedis(false, ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction']);
    servers.push(locked, full);
    // Fill the small Redis until it refuses writes, as a queue that ran out of memory does.
    const filling = new Queue('filler', { connection: parseQueueUrl(full.url).connection });
    const client = await redisOf(filling);
    for (let index = 0; ; index++) {
      const refused = await client.set(`pad-${index}`, 'x'.repeat(100_000)).then(() => false, () => true);
      if (refused) break;
    }
    await filling.close();
    const cases: Array<[string, RegExp]> = [
      ['redis://127.0.0.1:1', /nothing listens at 127\.0\.0\.1:\d+ \(connection refused\): is redis-server running there\?/],
      ['redis://no-such-redis-host.invalid:6379', /no host named "no-such-redis-host\.invalid" \(ENOTFOUND\): check the host in --queue/],
      [locked.url.replace('redis://', 'redis://:wrong@'), /refused the password \(WRONGPASS/],
      [locked.url, /refused the password \(NOAUTH/],
      [full.url, /is full/],
    ];
    for (const [url, cause] of cases) {
      for (const command of [['sweep', 'ops.yaml', '--out', 'never'], ['score', runFolder, inputs[0]!, '--out', 'never']]) {
        const start = performance.now();
        const result = await runCliProcess([...command, '--queue', url], workspace);
        expect(result.status, `${command[0]} ${url}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(new RegExp(`^vadc ${command[0]}: .*${cause.source}`, 'm'));
        expect(result.stderr).not.toMatch(/s3cret|wrong@/);
        expect(performance.now() - start).toBeLessThan(30_000); // a CLI start on a loaded 2-core machine is most of it
      }
    }
    expect(existsSync(join(workspace, 'never'))).toBe(false);
    // A worker given a wrong password stops at once instead of retrying forever.
    const worker = await runCliProcess(['worker', '--queue', locked.url.replace('redis://', 'redis://:wrong@')], workspace);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/vadc worker: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the password/);
  }, 300_000);

  it('says no worker is online; status lists the batch; cancel removes its jobs and the coordinator stops, naming it', async () => {
    const coordinator = startCli(['sweep', 'ops.yaml', '--out', 'cancelled', '--queue', redis.url], workspace);
    processes.push(coordinator);
    await coordinator.waitFor(/no worker is online on redis:\/\/127\.0\.0\.1:\d+\/0/, 180_000);
    await coordinator.waitFor('t0 train: queued', 180_000);
    const id = batchOf(coordinator.stderr());
    expect(id).toMatch(/^sweep-ops-/);
    const status = await runCliProcess(['queue', 'status', '--queue', redis.url, '--json'], workspace);
    expect(status.status, status.stderr).toBe(0);
    const listed = JSON.parse(status.stdout) as { workers: number; batches: Array<{ id: string; kind: string; states: Array<{ label: string; state: string }> }> };
    expect(listed.workers).toBe(0);
    const batch = listed.batches.find((entry) => entry.id === id)!;
    expect(batch.kind).toBe('sweep');
    expect(batch.states.map((job) => [job.label, job.state])).toEqual([['t0 train', 'waiting'], ['t0 evaluate (2 combinations)', 'waiting-children'], ['sweep', 'waiting-children']]);
    const text = await runCliProcess(['queue', 'status', id, '--queue', redis.url], workspace);
    expect(text.stdout).toMatch(new RegExp(`${id}  sweep ops  queued .* 1 waiting, 2 waiting-children`));
    const cancel = await runCliProcess(['queue', 'cancel', id, '--queue', redis.url], workspace);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`cancelled batch ${id}: removed 3 jobs not yet finished (sweep, t0 evaluate (2 combinations), t0 train)`);
    expect(await coordinator.exited).toBe(2);
    expect(coordinator.stderr()).toMatch(new RegExp(`vadc sweep: batch ${id} was cancelled at .* \\(vadc queue cancel\\)`));
    const unknown = await runCliProcess(['queue', 'attach', 'sweep-nope', '--queue', redis.url], workspace);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no batch "sweep-nope" on redis://');
  }, 300_000);

  it('Ctrl-C without a terminal leaves the jobs and says how to re-attach; attach finishes the sweep with its progress shown', async () => {
    const coordinator = startCli(['sweep', 'ops.yaml', '--out', 'attached', '--json', '--queue', redis.url], workspace);
    processes.push(coordinator);
    await coordinator.waitFor('t0 train: queued', 180_000); // waiting: Ctrl-C is handled from here on
    const id = batchOf(coordinator.stderr());
    coordinator.child.kill('SIGINT');
    expect(await coordinator.exited).toBe(130);
    expect(coordinator.stderr()).toContain(`interrupted: batch ${id} is left running on the workers (stdin is not a terminal, so nothing was asked); re-attach with: vadc queue attach ${id} --queue ${redis.url}/0`);
    const worker = await startWorker(redis.url, workspace);
    processes.push(worker);
    const attached = await runCliProcess(['queue', 'attach', id, '--queue', redis.url, '--json'], workspace);
    expect(attached.status, attached.stderr).toBe(0);
    const summary = JSON.parse(attached.stdout) as SweepSummary;
    expect(metricsOf(summary)).toEqual(metricsOf(local));
    expect(existsSync(join(workspace, 'attached', 'ops', `sweep-${summary.id}`, 'sweep.json'))).toBe(true);
    // The worker's progress reached the coordinator: epoch and frames/s of the training.
    expect(attached.stderr).toMatch(/t0 train: teacher epoch [1-4]\/4, \d+\.\d frames\/s/);
    await stopWorker(worker);
  }, 300_000);

  it('Ctrl-C on a terminal asks, and cancel cancels', async () => {
    // `script` gives the coordinator a terminal; ^C on it is SIGINT, then the answer.
    const command = [process.execPath, CLI, 'sweep', 'ops.yaml', '--out', 'asked', '--queue', redis.url].map((word) => `'${word}'`).join(' ');
    const terminal = startProcess('script', ['-qefc', command, '/dev/null'], workspace);
    processes.push(terminal);
    const output = () => terminal.stdout();
    await until(() => /t0 train: queued/.test(output()), 180_000, `the coordinator to queue; it printed:\n${output()}`);
    const id = /as batch (\S+) /.exec(output())![1]!;
    terminal.child.stdin!.write('\x03');
    await until(() => /\[c\]ancel \/ \[l\]eave/.test(output()), 20_000, `the question; it printed:\n${output()}`);
    terminal.child.stdin!.write('c\r');
    expect(await terminal.exited).toBe(130);
    expect(output()).toContain(`cancelled batch ${id}: removed 3 jobs`);
    const status = await runCliProcess(['queue', 'status', id, '--queue', redis.url, '--json'], workspace);
    const states = (JSON.parse(status.stdout) as { batches: Array<{ cancelled?: string; states: Array<{ state: string }> }> }).batches[0]!;
    expect(states.cancelled).toBeDefined();
    expect(states.states.map((job) => job.state)).toEqual(['gone', 'gone', 'gone']);
  }, 300_000);

  it('a score batch writes every input that succeeded, with the events and decisions files of a local score, and names the failed one', async () => {
    const worker = await startWorker(redis.url, workspace);
    processes.push(worker);
    const broken = join(workspace, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'f0.png'), 'not a png');
    const queued = await runCliProcess(['score', runFolder, inputs[0]!, broken, inputs[1]!, '--out', 'by-queue', '--queue', redis.url], workspace);
    expect(queued.status).toBe(2);
    expect(queued.stderr).toMatch(/vadc score: 1 of 3 inputs failed \(the others written\): broken: .+/);
    expect(existsSync(join(workspace, 'by-queue', 'broken'))).toBe(false);
    for (const input of [inputs[0]!, inputs[1]!]) {
      const name = input.split('/').at(-1)!;
      const localScore = await runCliProcess(['score', runFolder, input, '--out', join('by-hand', name)], workspace);
      expect(localScore.status, localScore.stderr).toBe(0);
      for (const file of FILES) {
        expect(await readFile(join(workspace, 'by-queue', name, file), 'utf8'), `${name}/${file}`).toBe(await readFile(join(workspace, 'by-hand', name, file), 'utf8'));
      }
    }
    await stopWorker(worker);
  }, 300_000);

  it('retries a transient failure with backoff (--attempts): an input the worker sees only later', async () => {
    // The worker sees <workspace>/late as <workspace>/later, which appears after the first attempt failed.
    const late = join(workspace, 'late', 'clip');
    await cp(inputs[0]!, late, { recursive: true });
    const worker = await startWorker(redis.url, workspace, ['--path-map', `${join(workspace, 'late')}=${join(workspace, 'later')}`]);
    processes.push(worker);
    const coordinator = startCli(['score', runFolder, late, '--out', 'retried', '--attempts', '3', '--queue', redis.url], workspace);
    processes.push(coordinator);
    await coordinator.waitFor(/clip: attempt 1 of 3 failed \(.*later\/clip is not visible on this worker.*\); retrying after a backoff/);
    await cp(late, join(workspace, 'later', 'clip'), { recursive: true });
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    // The retry ran and succeeded (the coordinator polls, so a short second attempt may show only as done).
    expect(coordinator.stderr()).toMatch(/clip: (running \(attempt 2 of 3\)|done)/);
    expect(existsSync(join(workspace, 'retried', 'events.json'))).toBe(true);
    // Without --attempts the same failure fails at once.
    await rm(join(workspace, 'later'), { recursive: true });
    const once = await runCliProcess(['score', runFolder, late, '--out', 'once', '--queue', redis.url], workspace);
    expect(once.status).toBe(2);
    expect(once.stderr).toMatch(/1 of 1 input failed .*clip: .*is not visible on this worker/);
    await stopWorker(worker);
  }, 300_000);
});
