// A tiny synthetic-data recipe for the CLI's end-to-end tests: small enough to train in seconds on wasm with one
// thread, complete enough to exercise every step of a run. Options change only what the tests vary.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { latestRunFile } from './test-built-cli.ts';

/** What a test varies in the tiny recipe. */
export interface TinyRecipeOptions {
  name: string;
  /** Seed of the synthetic videos. */
  dataSeed?: number;
  trainVideos?: number;
  frames?: number;
  walkers?: [number, number];
  teacherEpochs?: number;
  /** The `scoring:` mapping, as YAML flow text. */
  scoring?: string;
  metrics?: string[];
  /** The `validation:` mapping, as YAML flow text (none by default). */
  validation?: string;
  /**
   * runtime.engine: tfjs by default, written out, so tests that pin TF.js numbers keep them whatever the default
   * is; null leaves the key out (the default, auto).
   */
  engine?: 'auto' | 'tfjs' | 'onnx' | null;
}

/** The YAML text of a tiny recipe on the built-in synthetic benchmark. */
export function tinyRecipe(options: TinyRecipeOptions): string {
  const metrics = options.metrics ?? ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc'];
  return `vadc: 1
name: ${options.name}
data:
  dataset: synthetic
  size: [32, 48]
  synthetic: { seed: ${options.dataSeed ?? 3}, train_videos: ${options.trainVideos ?? 2}, test_videos: 2, frames: ${options.frames ?? 24}, resolution: [48, 72], walkers: [${(options.walkers ?? [1, 3]).join(', ')}], anomalies: [running, vehicle] }
model:
  patch: 8
  encoder: { dim: 16, depth: 1, heads: 2 }
  decoder: { dim: 16, depth: 2, heads: 2 }
  student: { after_block: 1, blocks: 1 }
stages:
  - { name: teacher, epochs: ${options.teacherEpochs ?? 1}, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
  - { name: student, epochs: 1, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
scoring: ${options.scoring ?? '{ smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 8 }'}
eval: { metrics: [${metrics.join(', ')}] }
runtime: { backend: wasm, seed: 5, threads: 1${options.engine === null ? '' : `, engine: ${options.engine ?? 'tfjs'}`} }
${options.validation ? `validation: ${options.validation}\n` : ''}`;
}

/**
 * A fresh temporary workspace (`vadc-<prefix>-...`) with `recipe` written as `<name>.yaml` (its `name:` must be
 * `name`) and trained in this process with `vadc train --out runs`: the workspace and the run folder.
 */
export async function trainInWorkspace(prefix: string, name: string, recipe: string): Promise<{ workspace: string; run: string }> {
  const workspace = await mkdtemp(join(tmpdir(), `vadc-${prefix}-`));
  await writeFile(join(workspace, `${name}.yaml`), recipe);
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (text: string) => void err.push(text), isTerminal: false, cwd: workspace, env: {} };
  const status = await runCli(['train', `${name}.yaml`, '--out', 'runs'], io);
  if (status !== 0) throw new Error(`vadc train ${name}.yaml exited ${status}: ${err.join('')}`);
  return { workspace, run: latestRunFile(workspace, name) };
}
