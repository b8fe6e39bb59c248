// Recipes whose sizes no machine can hold fail before anything is allocated, through the built CLI: `validate` and
// `run` exit 1 with TOO_LARGE at the key, the estimate and this machine's memory, in seconds and small memory (issue
// 26: these passed validate and then grew past 4 GB before an exit 3). The values exceed any machine vadc runs on,
// so the test does not depend on how much memory this one has.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from './test-built-cli.ts';
import { tinyRecipe } from './test-recipe.ts';

/** Runs the built CLI under /usr/bin/time: its status, stderr and peak resident memory in KiB. */
function measuredCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string; peakKiB: number } {
  const result = spawnSync('/usr/bin/time', ['-f', 'peak-kib %M', process.execPath, BUILT_CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  const peak = /peak-kib (\d+)/.exec(result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, peakKiB: peak === null ? Number.NaN : Number(peak[1]) };
}

describe('resource bounds before allocation (built CLI)', () => {
  let workspace = '';
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-bounds-'));
    await writeFile(join(workspace, 'tiny.yaml'), tinyRecipe({ name: 'tiny' }));
  });
  afterAll(async () => {
    if (workspace !== '') await rm(workspace, { recursive: true, force: true });
  });

  it.each([
    ['model.encoder.dim=1000000', 'model.encoder.dim', /a model of [\d.e+]+ weights \(1000000 wide/],
    ['model.encoder.depth=10000000', 'model.encoder.depth', /\(16 wide, 10000000 deep encoder\)/],
    ['data.synthetic.train_videos=1e12', 'data.synthetic.train_videos', /1000000000000 training videos need about/],
  ])('validate and run refuse %s with the estimate and the machine\'s memory, exit 1', (override, key, what) => {
    const validate = measuredCli(['validate', 'tiny.yaml', '--set', override, '--json'], workspace);
    expect(validate.status, validate.stderr).toBe(1);
    const [error] = (JSON.parse(validate.stdout) as { recipes: Array<{ errors: Array<{ code: string; key: string; message: string }> }> }).recipes[0]!.errors;
    expect([error!.code, error!.key]).toEqual(['TOO_LARGE', key]);
    expect(error!.message).toMatch(what);
    expect(error!.message).toMatch(/about [\d.e+]+ GiB in all, this machine has [\d.]+ GiB$/);
    const run = measuredCli(['run', 'tiny.yaml', '--set', override, '--out', 'runs'], workspace);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain(`--set:1:${override.indexOf('=') + 2}  ${key}  `);
    expect(run.stderr).toMatch(/this machine has [\d.]+ GiB/);
    // Nothing was allocated: far below the 4 GB these grew past.
    expect(run.peakKiB).toBeLessThan(512 * 1024);
  }, 60_000);
});
