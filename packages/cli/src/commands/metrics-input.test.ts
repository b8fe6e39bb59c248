// `vadc metrics` reads referenced files only inside the input's folder (or --allow-path folders), only regular
// files of bounded size, and says the same thing for a file that is missing and one it may not read; crafted
// config values cannot make it allocate gigabytes.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNpy } from '@vadc/runtime';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

const CLI = resolve(import.meta.dirname, '../../dist/main.js');

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'vadc-confine-'));
  const folder = join(root, 'inputs');
  const outside = join(root, 'elsewhere');
  await mkdir(folder);
  await mkdir(outside);
  const maps = writeNpy({ shape: [2, 4, 4], dtype: 'f4', data: new Float32Array(32).map((_, index) => index / 32) });
  const masks = writeNpy({ shape: [2, 4, 4], dtype: 'u1', data: new Uint8Array(32).map((_, index) => (index > 20 ? 1 : 0)) });
  for (const where of [folder, outside]) {
    await writeFile(join(where, 'maps.npy'), maps);
    await writeFile(join(where, 'masks.npy'), masks);
  }
  return { root, folder, outside };
}

async function metrics(folder: string, maps: string, extra: string[] = [], config: unknown = undefined) {
  const document = { ...(config === undefined ? {} : { config }), videos: [{ name: 'v', labels: [0, 1], scores: [0.1, 0.9], anomaly_maps: maps, gt_masks: 'masks.npy' }] };
  await writeFile(join(folder, 'input.json'), JSON.stringify(document));
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text), isTerminal: false, cwd: folder, env: {} };
  const status = await runCli(['metrics', 'input.json', ...extra], io);
  return { status, stdout, stderr };
}

describe('vadc metrics input confinement', () => {
  it('refuses files outside the input folder with the text of a missing file, unless --allow-path names their folder', async () => {
    const { folder, outside } = await setup();
    expect((await metrics(folder, 'maps.npy')).status).toBe(0);
    const escaped = await metrics(folder, '../elsewhere/maps.npy');
    const absolute = await metrics(folder, '/etc/passwd');
    const missing = await metrics(folder, 'nope.npy');
    for (const [result, name] of [[escaped, '../elsewhere/maps.npy'], [absolute, '/etc/passwd'], [missing, 'nope.npy']] as const) {
      expect(result.status).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(`vadc metrics: input.json: video "v": anomaly_maps: ${name}: no such file here (files are read inside the input's folder and --allow-path folders only)`);
    }
    const allowed = await metrics(folder, '../elsewhere/maps.npy', ['--allow-path', outside]);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
  });

  it('reads regular files only and bounds the smoothing range', async () => {
    const { folder } = await setup();
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (text: string) => void (stderr += text), isTerminal: false, cwd: folder, env: {} };
    expect(await runCli(['metrics', '/dev/zero'], io)).toBe(2);
    expect(stderr).toContain('/dev/zero: not a regular file');
    const smoothing = await metrics(folder, 'maps.npy', [], { smoothing: { range: 1e9, sigma: 3 } });
    expect(smoothing.status).toBe(2);
    expect(smoothing.stderr).toContain('input.json: config.smoothing.range: expected a number <= 10000, found 1000000000');
  });

  it('works as a user runs it (built CLI, its own process)', async () => {
    const { folder, outside } = await setup();
    await writeFile(join(folder, 'input.json'), JSON.stringify({ videos: [{ name: 'v', labels: [0, 1], scores: [0.1, 0.9], anomaly_maps: '../elsewhere/maps.npy', gt_masks: 'masks.npy' }] }));
    const refused = spawnSync(process.execPath, [CLI, 'metrics', 'input.json'], { cwd: folder, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('no such file here');
    const allowed = spawnSync(process.execPath, [CLI, 'metrics', 'input.json', '--allow-path', outside, '--json'], { cwd: folder, encoding: 'utf8' });
    expect(allowed.status).toBe(0);
    expect(JSON.parse(allowed.stdout).pixel_auc).toBeTypeOf('number');
  });
});
