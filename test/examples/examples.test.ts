// The examples run as a user runs them: a separate Node process on the built packages (examples/run-experiment.mjs
// trains, scores and evaluates a tiny synthetic recipe through @vadc/runtime's public API), and the recipe example
// under Deno (@vadc/dsl only).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('examples', () => {
  it('examples/run-experiment.mjs runs an experiment from a program and prints its run folder and metrics', () => {
    const folder = mkdtempSync(join(tmpdir(), 'vadc-example-test-'));
    const result = spawnSync(process.execPath, [join(ROOT, 'examples/run-experiment.mjs'), folder], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(result.status, result.stderr).toBe(0);
    const line = JSON.parse(result.stdout.trim()) as { run: string; status: string; hash: string; micro_auc: number; pixel_auc: number };
    expect(line.status).toBe('finished');
    expect(line.run.startsWith(join(folder, 'runs', 'example'))).toBe(true);
    const metrics = JSON.parse(readFileSync(join(line.run, 'metrics.json'), 'utf8')) as { micro_auc: number };
    expect(metrics.micro_auc).toBe(line.micro_auc);
    expect(line.micro_auc).toBeGreaterThanOrEqual(0);
    expect(line.micro_auc).toBeLessThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(line.run, 'run.json'), 'utf8')).status).toBe('finished');
    expect(existsSync(join(line.run, 'report.html'))).toBe(true);
    // The progress went to stderr, as from `vadc run`.
    expect(result.stderr).toContain('training:');
  }, 300_000);

  it('examples/recipe-deno.ts resolves a recipe (extends, an override, defaults) under Deno', () => {
    const deno = join(ROOT, 'node_modules', '.bin', 'deno');
    const result = spawnSync(deno, ['run', '--no-check', '--node-modules-dir=manual', '--allow-env=LOG_TOKENS,LOG_STREAM', '--import-map=examples/deno-import-map.json', 'examples/recipe-deno.ts'], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const line = JSON.parse(result.stdout.trim()) as { name: string; hash: string; size: number[]; epochs: number[]; yaml: string[] };
    expect(line).toMatchObject({ name: 'example', size: [32, 48], epochs: [3, 1], yaml: ['vadc: 1', 'name: example', 'data:'] });
    expect(line.hash).toMatch(/^[0-9a-f]{64}$/);
  }, 150_000);
});
