// A run's life (run-state.ts): every transition of the table writes run.json with its state, every other one is
// refused; `trained` says whether the training ran to its end; a recipe name or run id never leaves --out; and a
// full disk at a checkpoint write (a real tmpfs, as root) marks the run failed, names the file and leaves no
// temporary behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyRecipe } from './test-recipe.ts';
import { runBuiltCli } from './test-built-cli.ts';
import type { RunFolder, RunRecord, RunStatus } from '../../runtime/src/run-folder/run-folder.ts';
import { createRun, moveRun, RUN_TRANSITIONS, runFolderPath, trainingFinished } from '../../runtime/src/run-folder/run-state.ts';

const machine = { vadc: '0', node: '0', dependencies: {}, os: 'test', cpus: 1, cpuModel: 'test', memoryBytes: 1 } as unknown as RunRecord['machine'];
const STATES: RunStatus[] = ['created', 'training', 'trained', 'scoring', 'finished', 'interrupted', 'failed'];

async function runIn(status: RunStatus): Promise<RunFolder> {
  const out = await mkdtemp(join(tmpdir(), 'vadc-state-'));
  const run = await createRun(out, { name: 'life', id: 'r', hash: 'h', hashRule: 2, seed: 1, backend: null, machine });
  run.record.status = status;
  return run;
}

const onDisk = async (run: RunFolder) => JSON.parse(await readFile(join(run.directory, 'run.json'), 'utf8')) as RunRecord;

describe('run states', () => {
  it('a new run folder is created', async () => {
    const run = await runIn('created');
    expect(await onDisk(run)).toMatchObject({ status: 'created', error: null });
  });

  for (const from of STATES) {
    for (const to of STATES) {
      const allowed = RUN_TRANSITIONS[from].includes(to);
      it(`${from} -> ${to}: ${allowed ? 'written' : 'refused'}`, async () => {
        const run = await runIn(from);
        if (!allowed) {
          await expect(moveRun(run, to)).rejects.toThrow(`a run cannot go from ${from} to ${to}`);
          return;
        }
        await moveRun(run, to, to === 'failed' ? 'cannot write x: no space left on the device' : to === 'interrupted' ? 'stopped by SIGINT; resume with --resume' : null);
        const record = await onDisk(run);
        expect(record.status).toBe(to);
        expect(record.error).toBe(to === 'failed' ? 'cannot write x: no space left on the device' : to === 'interrupted' ? 'stopped by SIGINT; resume with --resume' : null);
        if (to === 'trained') expect(record.trained).toEqual(expect.any(String));
        if (to === 'training') expect(record.trained).toBeNull();
      });
    }
  }

  it('knows whether the training ran to its end, also after a failure while scoring', async () => {
    const run = await runIn('training');
    expect(trainingFinished(run.record)).toBe(false);
    await moveRun(run, 'trained');
    await moveRun(run, 'scoring');
    await moveRun(run, 'failed', 'boom');
    expect(trainingFinished(run.record)).toBe(true);
    await moveRun(run, 'training');
    expect(trainingFinished(run.record)).toBe(false);
  });

  it('keeps recipe names and run ids inside --out, naming the path it would have written', () => {
    expect(runFolderPath('/data/runs', 'quick', '2026-12-07T15-56-36-3fa9c1')).toBe('/data/runs/quick/2026-12-07T15-56-36-3fa9c1');
    expect(() => runFolderPath('/data/runs', '../../x', 'id')).toThrow('recipe name "../../x" is not one plain folder name: the run would be written at /x/id, outside /data/runs');
    expect(() => runFolderPath('/data/runs', 'quick', '../../../etc')).toThrow('run id "../../../etc" is not one plain folder name: the run would be written at /etc, outside /data/runs');
    expect(() => runFolderPath('/data/runs', '..', 'id')).toThrow('recipe name ".."');
  });
});

const notRoot = process.getuid?.() !== 0 ? 'not root: mounting a small tmpfs needs root (CI runs as root)' : null;
const cannotMount = notRoot ?? (spawnSync('mount', ['--version']).status === 0 ? null : 'mount is not installed');

describe.skipIf(cannotMount !== null)(`a full disk at a checkpoint write${cannotMount === null ? '' : ` (skipped: ${cannotMount})`}`, () => {
  it('marks the run failed, names the file, removes its temporary files and exits 1', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-full-disk-'));
    const disk = join(workspace, 'disk');
    await mkdir(disk);
    // 160 KB: room for run.json, plan.json, recipe.yaml and train.jsonl, not for the ~200 KB checkpoint.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', disk]);
    try {
      await writeFile(join(workspace, 'tiny.yaml'), tinyRecipe({ name: 'tiny' }));
      const result = await runBuiltCli(['run', 'tiny.yaml', '--out', join(disk, 'runs'), '--set', `data.cache_dir=${join(workspace, 'cache')}`], workspace);
      const runs = join(disk, 'runs', 'tiny');
      const [id] = (await readdir(runs)).filter((name) => name !== 'latest');
      const run = join(runs, id!);
      const checkpoint = join(run, 'checkpoints', 'model.ckpt');
      expect(result.stderr).toContain(`cannot write ${checkpoint}: no space left on the device`);
      expect(result.code, result.stderr).toBe(1);
      expect(await onDisk({ directory: run, record: {} as RunRecord })).toMatchObject({ status: 'failed', error: `cannot write ${checkpoint}: no space left on the device` });
      expect((await readdir(join(run, 'checkpoints'))).filter((name) => name.includes('tmp'))).toEqual([]);
      expect((await readdir(run)).filter((name) => name.includes('tmp'))).toEqual([]);
      expect(existsSync(join(run, 'run.lease'))).toBe(false);
    } finally {
      execFileSync('umount', [disk]);
      await rm(workspace, { recursive: true, force: true });
    }
  }, 120_000);
});
