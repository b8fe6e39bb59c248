// Integrity of runs against real processes of the built CLI: kill -9 leaves train.jsonl exact after --resume (one
// line per optimizer step, none twice), a run folder whose lease is being renewed cannot be attached to, the
// expired lease of a killed run is taken over, `vadc eval` refuses a run whose training did not finish (after
// kill -9 and after Ctrl-C) and `--resume` then finishes it, a cut checkpoint or an edited plan.json is refused
// (exit 1, file named) instead of giving wrong numbers, and a dataset problem in `vadc run` exits 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readlink, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyRecipe } from '../../packages/cli/src/test-recipe.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/dist/main.js');

// A short lease: a killed run's lease expires in 5 s (longer than the longest synchronous step of the tiny recipe, about 1.5 s on a busy machine), and a live one is seen renewed as soon.
const ENV = { ...process.env, VADC_LEASE_MS: '5000' };

function start(args: string[], cwd: string): ChildProcess & { done: Promise<{ status: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  const done = new Promise<{ status: number | null; stderr: string }>((resolveDone) => child.on('close', (status) => resolveDone({ status, stderr })));
  return Object.assign(child, { done });
}

const vadc = (args: string[], cwd: string) => start(args, cwd).done;

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 10));
  }
}

const nonEmpty = (path: string) => async () => (await stat(path).catch(() => null))?.size !== undefined && (await stat(path)).size > 0;

async function workspace(recipe: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'vadc-integrity-'));
  await writeFile(join(folder, 'tiny.yaml'), recipe);
  return folder;
}

describe('run integrity with real processes', () => {
  it('keeps train.jsonl exact after kill -9 and --resume, takes over the expired lease, refuses eval before, and refuses a cut checkpoint or an edited plan', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', teacherEpochs: 3 }));
    const first = start(['run', 'tiny.yaml', '--out', 'runs'], folder);
    await until(async () => existsSync(join(folder, 'runs', 'tiny', 'latest')), 'the run folder');
    const run = join(folder, 'runs', 'tiny', await readlink(join(folder, 'runs', 'tiny', 'latest')));
    // Kill as soon as the first epoch's checkpoint exists: its steps must be in train.jsonl already (they used to
    // sit in memory until step 20 and be lost), and steps after it must not be logged twice after --resume.
    await until(nonEmpty(join(run, 'checkpoints', 'model.ckpt')), 'the first checkpoint');
    first.kill('SIGKILL');
    await first.done;
    expect(existsSync(join(run, 'run.lease'))).toBe(true);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).status).toBe('training');
    // eval of the killed run: refused (it used to score the older checkpoint and mark the run finished).
    const early = await vadc(['eval', run], folder);
    expect(early.stderr).toContain(`${run} has not finished training (state training)`);
    expect(early.status).toBe(1);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).status).toBe('training');

    const resumed = await vadc(['run', 'tiny.yaml', '--out', 'runs', '--resume'], folder);
    expect(resumed.stderr).not.toMatch(/already finished/);
    expect(resumed.stderr).toMatch(/took over .*run\.lease \(the lease of .* expired\)|resuming/);
    expect(resumed.status).toBe(0);
    expect(existsSync(join(run, 'run.lease'))).toBe(false);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8'))).toMatchObject({ status: 'finished', error: null, trained: expect.any(String) });
    // 48 samples, batch 8: 6 steps per epoch; 3 teacher epochs and 1 student epoch, each step exactly once.
    const lines = (await readFile(join(run, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { stage: string; step: number });
    expect(lines.map((line) => `${line.stage}:${line.step}`)).toEqual([
      ...Array.from({ length: 18 }, (_, index) => `teacher:${index + 1}`),
      ...Array.from({ length: 6 }, (_, index) => `student:${index + 1}`),
    ]);

    // A cut checkpoint is an error naming it (exit 1), not an evaluation with zero-filled weights.
    const checkpoint = join(run, 'checkpoints', 'model.ckpt');
    await copyFile(checkpoint, `${checkpoint}.whole`);
    await truncate(checkpoint, Math.floor((await stat(checkpoint)).size * 0.6));
    const cut = await vadc(['eval', run], folder);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toContain(checkpoint);
    expect(cut.stderr).not.toMatch(/\n\s+at /);
    await copyFile(`${checkpoint}.whole`, checkpoint);

    // An edited plan.json no longer matches the run's hash.
    const planPath = join(run, 'plan.json');
    const plan = JSON.parse(await readFile(planPath, 'utf8')) as { scoring: { weights: { teacher: number } } };
    plan.scoring.weights.teacher += 1;
    await writeFile(planPath, JSON.stringify(plan));
    const edited = await vadc(['eval', run], folder);
    expect(edited.status).toBe(1);
    expect(edited.stderr).toMatch(/plan\.json does not match the run's recipe hash/);
  }, 300_000);

  it('refuses --resume of a run whose lease is being renewed, and exits 1 for a dataset with problems', async () => {
    const folder = await workspace(tinyRecipe({ name: 'long', teacherEpochs: 40 }));
    const first = start(['run', 'tiny.yaml', '--out', 'runs'], folder);
    try {
      await until(async () => existsSync(join(folder, 'runs', 'long', 'latest', 'run.lease')), 'the lease');
      const second = await vadc(['run', 'tiny.yaml', '--out', 'runs', '--resume'], folder);
      expect(second.stderr).toMatch(/run\.lease: the run is in use by .* process \d+ since .*, which keeps renewing its lease/);
      expect(second.status).toBe(1);
      expect(first.exitCode).toBeNull(); // the first run is untouched and still going
    } finally {
      first.kill('SIGKILL');
      await first.done;
    }
    await writeFile(join(folder, 'frames.yaml'), tinyRecipe({ name: 'frames' }).replace(/dataset: synthetic\n/, 'dataset: frames\n  root: ./no-such-dataset\n').replace(/\n  synthetic: .*\n/, '\n'));
    const missing = await vadc(['run', 'frames.yaml', '--out', 'runs'], folder);
    expect(missing.stderr).toContain('no-such-dataset');
    expect(missing.status).toBe(1);
  }, 300_000);

  it('on SIGINT marks the run interrupted, releases its lease, eval refuses it, and --resume leaves train.jsonl exact', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', teacherEpochs: 2 }));
    const first = start(['run', 'tiny.yaml', '--out', 'runs'], folder);
    await until(async () => existsSync(join(folder, 'runs', 'tiny', 'latest')), 'the run folder');
    const run = join(folder, 'runs', 'tiny', await readlink(join(folder, 'runs', 'tiny', 'latest')));
    // SIGINT after the first checkpoint: the handler writes the steps logged since (past the checkpoint), and
    // --resume must cut them before training them again.
    await until(nonEmpty(join(run, 'checkpoints', 'model.ckpt')), 'the first checkpoint');
    first.kill('SIGINT');
    expect((await first.done).status).toBe(130);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).status).toBe('interrupted');
    expect(existsSync(join(run, 'run.lease'))).toBe(false);
    const early = await vadc(['eval', run], folder);
    expect(early.stderr).toContain('has not finished training (state interrupted)');
    expect(early.status).toBe(1);
    const resumed = await vadc(['run', 'tiny.yaml', '--out', 'runs', '--resume'], folder);
    expect(resumed.stderr).not.toMatch(/already finished/);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).status).toBe('finished');
    const lines = (await readFile(join(run, 'train.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { stage: string; step: number });
    expect(lines.map((line) => `${line.stage}:${line.step}`)).toEqual([
      ...Array.from({ length: 12 }, (_, index) => `teacher:${index + 1}`),
      ...Array.from({ length: 6 }, (_, index) => `student:${index + 1}`),
    ]);
  }, 300_000);
});
