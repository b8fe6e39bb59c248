// The README's quickstart numbers are written by scripts/docs-numbers.mjs between marker comments: from a run folder
// (here a small fixture, no training) it writes exactly the numbers of that run, and the README in the repository
// says what the record of its last run (docs/quickstart-numbers.json) says, for the quickstart recipe as it is now.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveRecipe } from '../../packages/dsl/src/index.ts';
import { describe, expect, it } from 'vitest';
import { diskReader } from '../../packages/runtime/src/experiment/recipe-reader.ts';

const repository = join(import.meta.dirname, '..', '..');
const script = join(repository, 'scripts', 'docs-numbers.mjs');
const readme = readFileSync(join(repository, 'README.md'), 'utf8');

function docsNumbers(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: repository, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The text of the marked block `name`. */
function block(text: string, name: string): string | undefined {
  return new RegExp(`<!-- docs:numbers ${name} -->([\\s\\S]*?)<!-- /docs:numbers -->`).exec(text)?.[1];
}

/** A finished quickstart run folder as `vadc run` writes it, reduced to what the script reads. */
function fixtureRun(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const curve = [
    { stage: 'teacher', stage_index: 0, epoch: 1, step: 40, micro_auc: 0.61234, macro_auc: 0.6, pixel_auc: 0.7 },
    { stage: 'teacher', stage_index: 0, epoch: 3, step: 80, micro_auc: 0.65, macro_auc: 0.62, pixel_auc: 0.71 },
    { stage: 'student', stage_index: 1, epoch: 1, step: 40, micro_auc: 0.7, macro_auc: 0.66666, pixel_auc: 0.77777 },
  ];
  writeFileSync(join(folder, 'metrics.json'), JSON.stringify({
    micro_auc: 0.91234567, macro_auc: 0.8, macro_auc_clean: 0.75, rbdc: 0.1, tbdc: 0.2, pixel_auc: 0.85,
    per_video: [{ name: 'test-001', frames: 10 }, { name: 'test-002', frames: 20 }],
    speed: { train_fps: 99.6, infer_fps: 300, engine: 'tfjs', backend: 'wasm', threads: 2 },
    validation: {
      held_out: ['train-002'], frames: 10, anomalous_frames: 4, selected: { mode: 'best', stage: 'student', epoch: 1 },
      variant: 'held-out training videos with foreground anomalies pasted in (validation.seed 0)', curve,
    },
  }));
  writeFileSync(join(folder, 'run.json'), JSON.stringify({
    id: 'fixture', hash: 'abc', created: '2026-01-02T03:04:05.000Z', updated: '2026-01-02T03:04:17.250Z',
    machine: { cores: 4, cpu: 'Some CPU' }, timings: { train: 10.04 },
  }));
  writeFileSync(join(folder, 'plan.json'), JSON.stringify({ data: { synthetic: { train_videos: 4 } }, stages: [{ name: 'teacher', epochs: 4 }, { name: 'student', epochs: 2 }] }));
}

describe('npm run docs:numbers', () => {
  it('writes the numbers of a run between the README\'s markers and nothing else', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vadc-docs-numbers-'));
    fixtureRun(join(folder, 'run'));
    writeFileSync(join(folder, 'README.md'), readme);
    const result = docsNumbers('--run', join(folder, 'run'), '--readme', join(folder, 'README.md'), '--record', join(folder, 'record.json'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const written = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(block(written, 'setup')).toBe('On a fresh quickstart run of 2026-01-02 (4 cores, Some CPU, TF.js wasm; written here by `npm run docs:numbers`), `vadc run recipes/quickstart.yaml` took 12.3 s without the install and build, 10.0 s of it training at 100 frames/s, and gave a micro frame AUC of 0.9123.');
    expect(block(written, 'results-row')).toBe('synthetic benchmark (quickstart) | 2 generated test videos, 30 frames | 0.9123 | 0.8000 / 0.7500 | 0.1000 / 0.2000 | 0.8500 | 4 + 2 epochs on 3 of the 4 training videos at 100 frames/s (TF.js wasm), 3 validations | 12.3 s (2026-01-02) | `npm run quickstart`');
    expect(block(written, 'validation')).toBe('1 held-out training video, 10 frames, 4 with pasted `foreground` anomalies): micro AUC 0.612 / 0.650 after teacher epochs 2 / 4 and 0.700 after student epoch 2 (the kept epoch, chosen as the best: student epoch 2, macro 0.667, pixel 0.778)');
    const outside = (text: string) => text.replace(/<!-- docs:numbers ([\w-]+) -->[\s\S]*?<!-- \/docs:numbers -->/g, '<$1>');
    expect(outside(written)).toBe(outside(readme));
    // A run the script started itself records the load it started under (a busy machine runs slower), and says it.
    const record = JSON.parse(readFileSync(join(folder, 'record.json'), 'utf8')) as { run: Record<string, unknown> };
    const { quickstartBlocks } = (await import(pathToFileURL(script).href)) as { quickstartBlocks: (record: unknown) => Record<string, string> };
    expect(quickstartBlocks({ ...record, run: { ...record.run, load: 3.21 } }).setup).toContain('(4 cores, Some CPU, TF.js wasm, load average 3.2 as it started; written');
    // The record written beside it gives the same README again.
    expect(docsNumbers('--check', '--readme', join(folder, 'README.md'), '--record', join(folder, 'record.json')).status).toBe(0);
  });

  it('the README says what the record of its quickstart run says, and a number edited by hand fails the check', () => {
    const check = docsNumbers('--check');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const folder = mkdtempSync(join(tmpdir(), 'vadc-docs-numbers-'));
    const edited = readme.replace(/(<!-- docs:numbers results-row -->[^|]*\|[^|]*\| )0\.\d{4}/, '$10.9999');
    expect(edited).not.toBe(readme);
    writeFileSync(join(folder, 'README.md'), edited);
    const failed = docsNumbers('--check', '--readme', join(folder, 'README.md'));
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('run npm run docs:numbers');
  });

  it('the recorded run is of the quickstart recipe as it is now (rerun npm run docs:numbers when the recipe changes)', async () => {
    const record = JSON.parse(readFileSync(join(repository, 'docs', 'quickstart-numbers.json'), 'utf8')) as { run: { hash: string } };
    const resolved = await resolveRecipe(join(repository, 'recipes', 'quickstart.yaml'), { reader: diskReader });
    expect(resolved.ok).toBe(true);
    expect(resolved.ok && resolved.hash, 'the quickstart recipe changed since the README\'s numbers were measured: run npm run docs:numbers').toBe(record.run.hash);
  });
});
