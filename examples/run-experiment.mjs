// An experiment run from a program, not from the `vadc` command: the same functions the command and its queue worker
// call (@vadc/runtime's public API). It writes a tiny recipe on vadc's built-in synthetic benchmark into a folder,
// resolves it, trains, scores and evaluates it, and prints one JSON line: the run folder and its metrics.
//
//   npm run setup && node examples/run-experiment.mjs [folder]
//
// Progress (and the metrics table `vadc run` prints) go to stderr; stdout carries only the JSON line.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecipe, runExperiment } from '@vadc/runtime';

const RECIPE = `vadc: 1
name: example
data:
  dataset: synthetic
  size: [32, 48]
  synthetic: { seed: 3, train_videos: 2, test_videos: 2, frames: 24, resolution: [48, 72], walkers: [1, 3], anomalies: [running, vehicle] }
model:
  patch: 8
  encoder: { dim: 16, depth: 1, heads: 2 }
  decoder: { dim: 16, depth: 2, heads: 2 }
  student: { after_block: 1, blocks: 1 }
stages:
  - { name: teacher, epochs: 1, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
  - { name: student, epochs: 1, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
scoring: { smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 8 }
eval: { metrics: [micro_auc, macro_auc, pixel_auc] }
runtime: { backend: wasm, seed: 5, threads: 1, engine: tfjs }
`;

const folder = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'vadc-example-')));
await writeFile(join(folder, 'example.yaml'), RECIPE);

/** Where the experiment writes: progress and the summary both to stderr here. */
const io = {
  stdout: (text) => process.stderr.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: false,
  cwd: folder,
  env: process.env,
};

// `set` overrides recipe keys as `vadc run --set` does; problems are printed on io.stderr and give null.
const recipe = await loadRecipe('example.yaml', { set: ['stages.0.epochs=1'] }, io);
if (recipe === null) process.exit(2);
const run = await runExperiment(recipe, { outRoot: join(folder, 'runs'), backend: null, resumeFrom: null, trainOnly: false }, io);
const metrics = JSON.parse(await readFile(join(run.directory, 'metrics.json'), 'utf8'));
console.log(JSON.stringify({ run: run.directory, status: run.record.status, hash: recipe.hash, micro_auc: metrics.micro_auc, pixel_auc: metrics.pixel_auc }));
