// Training and inference frames/s of the AED-MAE model (the paper's Avenue configuration: patch 16, encoder
// 256 x 3 blocks x 4 heads, decoder 128 x 3 x 4, MLP ratio 2, mask ratio 0.5) at 160x320 and 320x640, on a chosen
// backend. Training = one optimizer step of the teacher stage (forward, loss, gradients, AdamW); inference = teacher
// + student on a test batch (predictBatch). Random inputs; the data pipeline is not included.
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/model-speed.ts [--backend wasm|cpu] [--threads N]
//        [--steps N] [--sizes 160x320,320x640] [--qkv dwconv-bn] [--block cvt-pointwise]
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import type { BlockKind, Plan, QkvProjection } from '../packages/dsl/src/index.ts';
import { createModel, describeBackend, predictBatch, selectBackend } from '../packages/runtime/src/index.ts';
import { optimizerRegistry } from '../packages/runtime/src/train/optimizers.ts';
import { stepGradients } from '../packages/runtime/src/train/step.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';
import { squaresBatch, asTestBatch } from '../packages/runtime/src/train/fixtures.ts';
import { Random } from '../packages/runtime/src/random.ts';

// TF.js resolves from the runtime package (pnpm installs it there): the same copy the runtime uses.
const tf = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] ?? fallback : fallback;
};
const backend = argument('backend', 'wasm') as 'wasm' | 'cpu';
const threads = argument('threads', 'auto');
const steps = Number(argument('steps', '3'));
const sizes = argument('sizes', '160x320,320x640').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const block = argument('block', 'cvt-pointwise') as BlockKind;
const qkv = argument('qkv', 'dwconv-bn') as QkvProjection;

function avenuePlan(size: [number, number], batch: number): Plan {
  const base = tinyPlan();
  const stack = { depth: 3, heads: 4, mlp_ratio: 2, block, qkv };
  return tinyPlan({
    data: { size },
    model: { patch: 16, encoder: { ...stack, dim: 256 }, decoder: { ...stack, dim: 128 }, dropout: 0.1 },
    loss: { tokens: 'all' },
    stages: [{ ...base.stages[0]!, batch, micro_batch: batch }],
  });
}

// Seconds per call: wall clock, and CPU time of this process (all threads). On a shared machine the CPU time is
// the steadier number: frames / CPU-seconds is what each fully used core delivers.
async function time(run: () => void | Promise<void>, count: number): Promise<{ wall: number; cpu: number }> {
  await run(); // warm-up (kernel set-up, first allocations)
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < count; index++) await run();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - started) / 1000 / count, cpu: (cpu.user + cpu.system) / 1e6 / count };
}

const report = await selectBackend(backend, { threads: threads === 'auto' ? 'auto' : Number(threads) });
console.log(`backend: ${describeBackend(report)}; block ${block}, qkv ${qkv}`);
for (const size of sizes) {
  const trainBatch = size[0] >= 320 ? 4 : 8;
  const plan = avenuePlan(size, trainBatch);
  const model = createModel(plan);
  const stage = plan.stages[0]!;
  const trainable = model.params.list().filter((p) => p.trainable);
  const optimizer = optimizerRegistry.adamw(stage.optimizer, trainable);
  const batch = squaresBatch(plan, trainBatch, 1, 4);
  const random = new Random(1);
  const testBatch = asTestBatch(squaresBatch(plan, 8, 2));
  const inferSeconds = await time(() => { predictBatch(model, testBatch); }, steps);
  const trainSeconds = await time(async () => {
    const { gradients } = await stepGradients(plan, stage, model, batch, trainable, random);
    optimizer.apply(gradients, stage.optimizer.lr);
    for (const gradient of gradients.values()) gradient.dispose();
  }, steps);
  const line = (what: string, frames: number, t: { wall: number; cpu: number }) =>
    `${what} batch ${frames}: ${(frames / t.wall).toFixed(2)} frames/s wall (${t.wall.toFixed(2)} s/batch), ` +
    `${(frames / t.cpu).toFixed(2)} frames per CPU-second`;
  console.log(`${size[0]}x${size[1]}: ${line('training', trainBatch, trainSeconds)}; ${line('inference', 8, inferSeconds)}; ` +
    `load ${loadavg()[0]?.toFixed(1)}; tensors ${tf.memory().numTensors}`);
  optimizer.dispose();
  model.params.dispose();
}
