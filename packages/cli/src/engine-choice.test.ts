// runtime.engine as a user meets it: the built CLI in its own process, in a fresh folder, on the tiny recipe. `auto`
// picks onnxruntime when it is installed; on a machine without it (simulated for real: a module-resolution hook makes
// `import('onnxruntime-node')` fail with ERR_MODULE_NOT_FOUND) the run finishes on TF.js and says why; a recipe that
// names tfjs keeps it; --engine overrides; the old key runtime.train_engine still works, with a warning.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyRecipe } from './test-recipe.ts';
import { onnxInstalled } from './test-onnx.ts';

const CLI = resolve(import.meta.dirname, '../dist/main.js');

// Registered with `node --import`: resolving onnxruntime-node fails as it does where the package is absent.
const HIDE_ONNXRUNTIME = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier === 'onnxruntime-node' || specifier.startsWith('onnxruntime-node/')) {
    const error = new Error("Cannot find package 'onnxruntime-node' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}\`));
`;

interface Choice { requested: string; source: string; engine: string; reason: string; skipped: Array<{ route: string; reason: string }> }
interface Record { status: string; engine: { train: Choice; score?: Choice } }

async function workspace(recipe: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'vadc-engine-'));
  await writeFile(join(folder, 'tiny.yaml'), recipe);
  await writeFile(join(folder, 'hide-onnxruntime.mjs'), HIDE_ONNXRUNTIME);
  return folder;
}

function vadc(folder: string, args: string[], nodeOptions: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeOptions, CLI, ...args], { cwd: folder, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function latest(folder: string, out = 'runs'): Promise<{ record: Record; metrics: { speed: { engine: string; train_engine: string; engine_choice: Choice } } }> {
  const directory = join(folder, out, 'tiny', await readlink(join(folder, out, 'tiny', 'latest')));
  const record = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as Record;
  const metricsText = await readFile(join(directory, 'metrics.json'), 'utf8').catch(() => '{"speed":{}}');
  return { record, metrics: JSON.parse(metricsText) as { speed: { engine: string; train_engine: string; engine_choice: Choice } } };
}

describe('runtime.engine', () => {
  it.runIf(process.env.VADC_REQUIRE_ONNX === '1')('finds onnxruntime-node where VADC_REQUIRE_ONNX=1 (CI), so no onnx test is skipped there', () => {
    expect(onnxInstalled).toBe(true);
  });

  it.runIf(onnxInstalled)('auto (the default) trains and scores on onnxruntime when it is installed, and says why in run.json, metrics.json and stderr', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', engine: null }));
    const run = vadc(folder, ['run', 'tiny.yaml', '--out', 'runs']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^engine: onnx \(auto: the fastest installed CPU engine \(onnxruntime-node\)\); not used: tfjs-gpu: .*tfjs-cpu: ranked below onnxruntime-node/m);
    expect(run.stdout).not.toContain('engine:');
    const { record, metrics } = await latest(folder);
    expect(record.engine.train).toMatchObject({ requested: 'auto', source: 'recipe', engine: 'onnx' });
    expect(record.engine.train.skipped.map((entry) => entry.route)).toEqual(['tfjs-gpu', 'tfjs-cpu']);
    expect(record.engine.score).toMatchObject({ requested: 'auto', engine: 'onnx' });
    expect(metrics.speed).toMatchObject({ engine: 'onnx', train_engine: 'onnx', engine_choice: { requested: 'auto', engine: 'onnx' } });
    // run.json names the versions of what decoded and computed (sharp decoded every frame; onnxruntime trained).
    const directory = join(folder, 'runs', 'tiny', await readlink(join(folder, 'runs', 'tiny', 'latest')));
    const machine = (JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as { machine: { dependencies: { [name: string]: string } } }).machine;
    expect(machine.dependencies).toMatchObject({ sharp: expect.stringMatching(/^\d+\.\d+/), 'onnxruntime-node': expect.stringMatching(/^\d+\.\d+/) });
    // A run trained on onnxruntime exports from a fresh process, like one trained on TF.js (deploy.test.ts).
    const exported = vadc(folder, ['export', directory]);
    expect(exported.status, exported.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(directory, 'package', 'vadc-model.json'), 'utf8')) as { graph_io: { inputs: string[] } };
    expect(manifest.graph_io.inputs).toEqual(['frames', 'keep_index', 'restore_index']);
  }, 60_000);

  it.runIf(onnxInstalled)('a resumed run keeps the engine auto chose when it started: on TF.js where auto now picks onnx; refused where its onnx is gone', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', engine: null }));
    const hook = ['--import', './hide-onnxruntime.mjs'];
    expect(vadc(folder, ['train', 'tiny.yaml', '--out', 'runs-tfjs'], hook).status).toBe(0);
    const resumed = vadc(folder, ['train', 'tiny.yaml', '--out', 'runs-tfjs', '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^engine: tfjs \(auto: the engine this run started training on \(auto resolves to onnx here\)\)/m);
    expect((await latest(folder, 'runs-tfjs')).record.engine.train).toMatchObject({ requested: 'auto', engine: 'tfjs' });

    expect(vadc(folder, ['train', 'tiny.yaml', '--out', 'runs-onnx']).status).toBe(0);
    const refused = vadc(folder, ['train', 'tiny.yaml', '--out', 'runs-onnx', '--resume'], hook);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('this run started training on onnx, which cannot run here (onnxruntime-node is not installed)');
  }, 60_000);

  it.runIf(onnxInstalled)('a sweep that resumes an unfinished training keeps the engine it started on', async () => {
    const grid = 'sweep:\n  grid:\n    scoring.weights.teacher: [0, 1]\n';
    const folder = await workspace(`${tinyRecipe({ name: 'tiny', engine: null })}${grid}`);
    expect(vadc(folder, ['sweep', 'tiny.yaml', '--out', 'runs'], ['--import', './hide-onnxruntime.mjs']).status).toBe(0);
    // Make its training look interrupted: not finished, no stored components, so the next sweep resumes it.
    const directory = join(folder, 'runs', 'tiny', await readlink(join(folder, 'runs', 'tiny', 'latest')));
    const record = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as Record;
    expect(record.engine.train.engine).toBe('tfjs');
    await writeFile(join(directory, 'run.json'), JSON.stringify({ ...record, status: 'interrupted' }));
    await rm(join(directory, 'components.bin'));
    const resumed = vadc(folder, ['sweep', 'tiny.yaml', '--out', 'runs']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^engine: tfjs \(auto: the engine this run started training on \(auto resolves to onnx here\)\)/m);
    expect(resumed.stderr).toMatch(/resumed/);
    const after = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as Record;
    expect(after).toMatchObject({ status: 'finished', engine: { train: { requested: 'auto', engine: 'tfjs' } } });
  }, 90_000);

  it('where onnxruntime-node is absent, auto runs on TF.js and run.json and stderr say why onnx was not used; a named onnx is a usage error', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', engine: null }));
    const hook = ['--import', './hide-onnxruntime.mjs'];
    const run = vadc(folder, ['run', 'tiny.yaml', '--out', 'runs'], hook);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^engine: tfjs \(auto: TF\.js on the CPU[^\n]*; not used: tfjs-gpu: [^\n]*; onnx: onnxruntime-node is not installed$/m);
    const { record, metrics } = await latest(folder);
    expect(record.status).toBe('finished');
    expect(record.engine.train).toMatchObject({ requested: 'auto', engine: 'tfjs' });
    expect(record.engine.train.skipped).toContainEqual({ route: 'onnx', reason: 'onnxruntime-node is not installed' });
    expect(metrics.speed).toMatchObject({ engine: 'tfjs', train_engine: 'tfjs' });
    expect(metrics.speed.engine_choice.skipped).toContainEqual({ route: 'onnx', reason: 'onnxruntime-node is not installed' });

    const named = vadc(folder, ['run', 'tiny.yaml', '--out', 'runs-onnx', '--engine', 'onnx'], hook);
    expect(named.status).toBe(2);
    expect(named.stderr).toContain('--engine onnx needs the optional package onnxruntime-node (onnxruntime-node is not installed)');
  }, 60_000);

  it.runIf(onnxInstalled)('a recipe naming tfjs keeps it; --engine overrides it for one command; runtime.train_engine still works with a warning', async () => {
    const folder = await workspace(tinyRecipe({ name: 'tiny', engine: 'tfjs' }));
    const kept = vadc(folder, ['train', 'tiny.yaml', '--out', 'runs']);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/^engine: tfjs \(the recipe sets runtime\.engine: tfjs\)$/m);
    expect((await latest(folder)).record.engine.train).toEqual({ requested: 'tfjs', source: 'recipe', engine: 'tfjs', reason: 'the recipe sets runtime.engine: tfjs', skipped: [] });

    const overridden = vadc(folder, ['train', 'tiny.yaml', '--out', 'runs-onnx', '--engine', 'onnx']);
    expect(overridden.status, overridden.stderr).toBe(0);
    expect((await latest(folder, 'runs-onnx')).record.engine.train).toMatchObject({ requested: 'onnx', source: '--engine', engine: 'onnx' });
    // vadc compare says the two trained on different engines.
    const compared = vadc(folder, ['compare', 'runs/tiny/latest', 'runs-onnx/tiny/latest']);
    expect(compared.status, compared.stderr).toBe(0);
    expect(compared.stdout).toContain('The runs trained on different engines (runs/tiny/latest: tfjs, runs-onnx/tiny/latest: onnx)');
    // eval of the TF.js-trained run on onnx, for this command only: the score engine is recorded beside the training one.
    const runFolder = join(folder, 'runs', 'tiny', 'latest');
    const evaluated = vadc(folder, ['eval', runFolder, '--engine', 'onnx']);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const afterEval = await latest(folder);
    expect(afterEval.record.engine).toMatchObject({ train: { engine: 'tfjs' }, score: { source: '--engine', engine: 'onnx' } });
    expect(afterEval.metrics.speed).toMatchObject({ engine: 'onnx', train_engine: 'tfjs' });

    await writeFile(join(folder, 'old.yaml'), tinyRecipe({ name: 'tiny', engine: null }).replace('threads: 1 }', 'threads: 1, train_engine: onnx }'));
    const old = vadc(folder, ['train', 'old.yaml', '--out', 'runs-old']);
    expect(old.status, old.stderr).toBe(0);
    expect(old.stderr).toMatch(/old\.yaml:\d+:\d+ {2}runtime\.train_engine {2}warning: `runtime\.train_engine` is now `runtime\.engine`/);
    expect((await latest(folder, 'runs-old')).record.engine.train).toMatchObject({ requested: 'onnx', engine: 'onnx' });
  }, 90_000);
});
