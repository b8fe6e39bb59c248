// Where a training step's time goes, kernel by kernel: tf.profile over one teacher-stage optimizer step
// (stepGradients + AdamW, as `vadc bench --mode train` times it) of a bench recipe, on generated inputs. Prints the
// kernels by total time (ms per step, share, calls), then the same by kernel and input shapes. Profiling adds
// per-kernel overhead: shares matter, not totals.
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/train-profile.ts [recipe] [--backend wasm|cpu]
//        [--batch N] [--steps N] [--top N]
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveRecipe } from '../packages/dsl/src/index.ts';
import { createModel, describeBackend, Random, selectBackend } from '../packages/runtime/src/index.ts';
import { optimizerRegistry } from '../packages/runtime/src/train/optimizers.ts';
import { stepGradients } from '../packages/runtime/src/train/step.ts';
import { benchTrainingBatch } from '../packages/runtime/src/bench/bench-inputs.ts';

// TF.js resolves from the runtime package (pnpm installs it there): the same copy the runtime uses.
const tf = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
};
const recipe = resolve(process.argv[2]?.startsWith('--') === false ? process.argv[2] : 'bench/recipes/speed-160x320.yaml');
const resolved = await resolveRecipe(recipe, {
  reader: { readFile: (path) => readFile(path, 'utf8'), exists: (path) => stat(path).then(() => true, () => false) },
  overrides: [], allowEnv: [], roots: [], env: {}, cwd: process.cwd(),
});
if (!resolved.ok) throw new Error(`invalid recipe ${recipe}: ${resolved.errors.map((e) => e.message).join('; ')}`);
const plan = resolved.plan;
const report = await selectBackend(argument('backend', 'wasm') as 'wasm' | 'cpu', { threads: plan.runtime.threads });
const stage = plan.stages[0]!;
const batchSize = Number(argument('batch', String(stage.batch)));
const steps = Number(argument('steps', '2'));
const model = createModel(plan);
const trainable = model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
const optimizer = optimizerRegistry[stage.optimizer.kind](stage.optimizer, trainable);
const batch = benchTrainingBatch(plan, batchSize);
const random = new Random(1);
const step = async () => {
  const { gradients } = await stepGradients(plan, stage, model, batch, trainable, new Random(random.nextUint32()));
  optimizer.apply(gradients, stage.optimizer.lr);
  for (const gradient of gradients.values()) gradient.dispose();
};
await step(); // warm-up: kernel set-up, first allocations
const byKernel = new Map<string, { ms: number; calls: number }>();
const byShape = new Map<string, { ms: number; calls: number }>(); // kernel + input shapes: which products / convs
const started = performance.now();
for (let index = 0; index < steps; index++) {
  const info = await tf.profile(step);
  for (const kernel of info.kernels) {
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byKernel.set(kernel.name, entry);
    const key = `${kernel.name} ${kernel.inputShapes.map((shape) => `[${shape?.join(',') ?? ''}]`).join(' x ')}`;
    const shaped = byShape.get(key) ?? { ms: 0, calls: 0 };
    shaped.ms += ms;
    shaped.calls += 1;
    byShape.set(key, shaped);
  }
}
const wall = (performance.now() - started) / steps;
const total = [...byKernel.values()].reduce((sum, entry) => sum + entry.ms, 0) / steps;
console.log(`${plan.name} ${plan.data.size.join('x')}, batch ${batchSize}, ${describeBackend(report)}: profiled step ${wall.toFixed(0)} ms wall, ` +
  `${total.toFixed(0)} ms in kernels (${steps} steps)`);
console.log('| kernel | ms per step | share of kernel time | calls per step |\n| --- | --- | --- | --- |');
const top = Number(argument('top', '15'));
for (const [name, entry] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`| ${name} | ${(entry.ms / steps).toFixed(1)} | ${((100 * entry.ms) / steps / total).toFixed(1)}% | ${entry.calls / steps} |`);
}
console.log('\n| kernel and input shapes | ms per step | share of kernel time | calls per step |\n| --- | --- | --- | --- |');
for (const [key, entry] of [...byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`| ${key} | ${(entry.ms / steps).toFixed(1)} | ${((100 * entry.ms) / steps / total).toFixed(1)}% | ${entry.calls / steps} |`);
}
process.exit(0); // the threaded wasm backend's workers would keep the process alive
