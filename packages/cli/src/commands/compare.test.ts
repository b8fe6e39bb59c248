import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

async function fakeRun(root: string, id: string, microAuc: number, encoderDim: number): Promise<string> {
  const directory = join(root, 'demo', id);
  await mkdir(directory, { recursive: true });
  const record = { name: 'demo', id, hash: `${id}abcdef0123456789`, status: 'finished', backend: 'wasm', seed: 1, timings: {}, error: null };
  await writeFile(join(directory, 'run.json'), JSON.stringify(record));
  await writeFile(join(directory, 'metrics.json'), JSON.stringify({ micro_auc: microAuc, macro_auc: null, speed: { train_fps: 4.5, infer_fps: 20 } }));
  await writeFile(join(directory, 'plan.json'), JSON.stringify({ model: { encoder: { dim: encoderDim, depth: 3 } }, name: 'demo' }));
  return directory;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTerminal: false, cwd: '/', env: {} } };
}

describe('vadc compare', () => {
  it('tabulates metrics and lists only the recipe keys that differ', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vadc-compare-'));
    const a = await fakeRun(root, 'a', 0.91234, 256);
    const b = await fakeRun(root, 'b', 0.8, 128);
    const { out, io } = capture();
    expect(await runCli(['compare', a, b, '--json'], io)).toBe(0);
    const result = JSON.parse(out.join('')) as { runs: Array<{ metrics: { micro_auc: number } }>; differences: Array<{ key: string; values: unknown[] }> };
    expect(result.runs.map((run) => run.metrics.micro_auc)).toEqual([0.91234, 0.8]);
    expect(result.differences).toEqual([{ key: 'model.encoder.dim', values: [256, 128] }]);

    const text = capture();
    expect(await runCli(['compare', a, b], text.io)).toBe(0);
    expect(text.out.join('')).toContain('0.9123');
    expect(text.out.join('')).toMatch(/model\.encoder\.dim\s+256\s+128/);
  });

  it('is a usage error for a folder that is not a run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vadc-compare-'));
    const { err, io } = capture();
    expect(await runCli(['compare', root], io)).toBe(2);
    expect(err.join('')).toContain('is not a run folder');
  });
});
