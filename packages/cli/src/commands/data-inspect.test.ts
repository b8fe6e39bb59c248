import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBmp } from '@vadc/runtime';
import { runCli } from '../cli.ts';
import type { CommandIO } from '../command.ts';

// A tiny `frames`-layout dataset: train/a (3 frames), test/b (4 frames, labels 0 1 1 0, masks with one box).
const [H, W] = [6, 8];
let folder = '';

async function bmp(path: string, level: number, box = false): Promise<void> {
  const data = new Uint8Array(H * W * 3).fill(box ? 0 : level);
  if (box) for (let y = 1; y <= 2; y++) data.fill(255, (y * W + 2) * 3, (y * W + 5) * 3);
  await writeFile(path, encodeBmp({ width: W, height: H, data }, { bits: 24 }));
}

function io(): CommandIO & { out: string; err: string } {
  const sink = { out: '', err: '' };
  return Object.assign(sink, {
    stdout: (text: string) => void (sink.out += text),
    stderr: (text: string) => void (sink.err += text),
    isTerminal: false,
    cwd: folder,
    env: {},
  });
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vadc-data-inspect-'));
  await mkdir(join(folder, '.git'));
  await writeFile(join(folder, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  for (const dir of ['data/train/a', 'data/test/b', 'data/labels', 'data/masks/b', 'data2/train/a']) await mkdir(join(folder, dir), { recursive: true });
  for (let t = 0; t < 3; t++) await bmp(join(folder, 'data', 'train', 'a', `${t}.bmp`), 10 * t);
  for (let t = 0; t < 4; t++) {
    await bmp(join(folder, 'data', 'test', 'b', `${t}.bmp`), 10 * t);
    await bmp(join(folder, 'data', 'masks', 'b', `${t}.bmp`), 0, t === 1 || t === 2);
  }
  await writeFile(join(folder, 'data', 'labels', 'b.txt'), '0\n1\n1\n0\n');
  await writeFile(join(folder, 'recipe.yaml'), 'vadc: 1\nname: tiny-frames\ndata:\n  dataset: frames\n  root: ./data\n');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('vadc data inspect', () => {
  it('prints per split counts as JSON', async () => {
    const sink = io();
    const status = await runCli(['data', 'inspect', 'recipe.yaml', '--json', '--decode'], sink);
    expect(sink.err).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(sink.out) as { ok: boolean; splits: Array<Record<string, unknown>> };
    expect(report.ok).toBe(true);
    expect(report.splits.map((split) => split.split)).toEqual(['train', 'test']);
    expect(report.splits[0]).toMatchObject({ videos: 1, frames: 3, resolutions: [{ height: H, width: W, videos: 1 }], labelledVideos: 0, decoded: true });
    expect(report.splits[1]).toMatchObject({ videos: 1, frames: 4, anomalousFrames: 2, maskedFrames: 4, regions: 2, tracks: 1, problems: [] });
  });

  it('prints text, and --set changes the recipe', async () => {
    const sink = io();
    expect(await runCli(['data', 'inspect', 'recipe.yaml'], sink)).toBe(0);
    expect(sink.out).toContain('train: 1 videos, 3 frames, 8x6');
    expect(sink.out).toContain('anomalous frames: 2 (50.0%) in 1 labelled videos');
    expect(sink.out).toContain('GT regions: 2 in 1 tracks');
    const broken = io();
    expect(await runCli(['data', 'inspect', 'recipe.yaml', '--set', 'data.root=./data2'], broken)).toBe(1);
    expect(broken.out).toContain('problem [MISSING_FOLDER]');
    expect(broken.out).toContain(join(folder, 'data2', 'test'));
  });

  it('usage errors exit 2, an invalid recipe exits 1', async () => {
    expect(await runCli(['data', 'show', 'recipe.yaml'], io())).toBe(2);
    expect(await runCli(['data', 'inspect'], io())).toBe(2);
    expect(await runCli(['data', 'inspect', 'nope.yaml'], io())).toBe(2);
    const sink = io();
    expect(await runCli(['data', 'inspect', 'recipe.yaml', '--set', 'data.dataset=nonsense'], sink)).toBe(1);
    expect(sink.err).toContain('data.dataset');
  });
});
