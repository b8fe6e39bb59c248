// Run-folder integrity without processes: train.jsonl is cut back to the checkpoint's position (step lines by step,
// validation lines by epoch, later stages and torn lines dropped), and runs created in the same second with the
// same id get distinct folders.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from './run-state.ts';
import { trimTrainLog } from './train-log.ts';

const machine = { cores: 2 } as never;
const progress = { format: 1, stageIndex: 0, stageName: 'teacher', epochsDone: 2, step: 12, random: { state: [1, 2, 3, 4] } } as never;

describe('run folders', () => {
  it('trims train.jsonl to the checkpoint: steps up to its step, validations of finished epochs, nothing later', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'vadc-trim-'));
    const path = join(folder, 'train.jsonl');
    const step = (stage: string, n: number, epoch: number) => JSON.stringify({ stage, epoch, step: n, loss: 1, lr: 1, samples_per_second: 1, time: '' });
    const validation = (epoch: number) => JSON.stringify({ type: 'validation', stage: 'teacher', epoch, loss: 1 });
    const lines = [
      ...Array.from({ length: 14 }, (_, index) => step('teacher', index + 1, Math.floor(index / 6))),
      validation(0), validation(1), validation(2), step('student', 1, 0), '{"stage": "teach',
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    expect(await trimTrainLog(path, ['teacher', 'student'], progress)).toBe(5);
    const kept = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type?: string; step?: number; epoch: number });
    expect(kept.filter((line) => line.type === undefined).map((line) => line.step)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    expect(kept.filter((line) => line.type === 'validation').map((line) => line.epoch)).toEqual([0, 1]);
    expect(await trimTrainLog(path, ['teacher', 'student'], null)).toBe(14);
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('gives two runs started in the same second their own folders, even when the recipe folder is new', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vadc-ids-'));
    const record = { name: 'same', id: '2026-12-05T10-00-00', hash: 'h', hashRule: 2, seed: 1, backend: null, machine };
    const [first, second] = await Promise.all([createRun(out, record), createRun(out, record)]);
    expect(first.directory).not.toBe(second.directory);
    expect((await readdir(join(out, 'same'))).filter((name) => name !== 'latest').sort()).toEqual(['2026-12-05T10-00-00', '2026-12-05T10-00-00-2']);
  });
});
