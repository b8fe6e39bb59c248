// Where the ONNX engine's time goes: onnxruntime's own profiler (enableProfiling) over a few runs, summed per
// operator type and, with --nodes, per node role (the node's name with layer numbers blanked, so the same node of
// every block adds up). Two graphs:
//   scoring (default)  the scoring graph createOnnxInference runs, at the paper's model size, batch 8
//   --train [recipe]   the training step OnnxTrainer runs (forward, loss and gradients of the recipe's first stage at
//                      its batch), fed by the trainer itself: its session is created with profiling on (a recipe
//                      whose micro-batches differ in size makes several sessions: the first one's profile is read)
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/onnx-profile.ts [height width] [--portable-attention] [--int8] [--threads N] [--runs N] [--nodes N]
//   node --conditions=source --import ./bench/register-ts.mjs bench/onnx-profile.ts --train [bench/recipes/speed-160x320.yaml] [--threads N] [--runs N] [--nodes N]
import { readFile, stat } from 'node:fs/promises';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveRecipe } from '../packages/dsl/src/index.ts';
import { createModel, createTokenMask } from '../packages/runtime/src/index.ts';
import { benchTrainingBatch } from '../packages/runtime/src/bench/bench-inputs.ts';
import { exportOnnx } from '../packages/runtime/src/onnx/export-onnx.ts';
import { OnnxTrainer } from '../packages/runtime/src/onnx/onnx-training.ts';
import { quantizeInt8 } from '../packages/runtime/src/onnx/quantize.ts';
import { maskingRegistry } from '../packages/runtime/src/model/masking.ts';
import { Random } from '../packages/runtime/src/random.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';

// Both resolve from the runtime package (pnpm installs them there): the copies the runtime uses.
const require = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
await (require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core')).setBackend('cpu');

const optionAt = (name: string): number => process.argv.indexOf(`--${name}`);
const threads = optionAt('threads') >= 0 ? Number(process.argv[optionAt('threads') + 1]) : 2;
const nodeRows = optionAt('nodes') >= 0 ? Number(process.argv[optionAt('nodes') + 1]) : 0;
const prefix = join(tmpdir(), `vadc-onnx-profile-${process.pid}`);
const runs = optionAt('runs') >= 0 ? Number(process.argv[optionAt('runs') + 1]) : 5;
let title: string;

if (optionAt('train') >= 0) {
  const named = process.argv[optionAt('train') + 1];
  const recipe = resolve(named !== undefined && !named.startsWith('--') ? named : 'bench/recipes/speed-160x320.yaml');
  const resolved = await resolveRecipe(recipe, {
    reader: { readFile: (path) => readFile(path, 'utf8'), exists: (path) => stat(path).then(() => true, () => false) },
    overrides: [], allowEnv: [], roots: [], env: {}, cwd: process.cwd(),
  });
  if (!resolved.ok) throw new Error(`invalid recipe ${recipe}: ${resolved.errors.map((e) => e.message).join('; ')}`);
  const plan = resolved.plan;
  const stage = plan.stages[0]!;
  // The trainer creates its session through onnxruntime's InferenceSession.create: turn profiling on there.
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (bytes: Uint8Array, options: object) => Promise<unknown>;
  (ort.InferenceSession as unknown as { create: typeof create }).create = (bytes, options) => create(bytes, { ...options, enableProfiling: true, profileFilePrefix: prefix });
  const model = createModel(plan);
  const trainable = model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
  const batch = benchTrainingBatch(plan, stage.batch);
  const trainer = await OnnxTrainer.start(plan, { threads });
  const random = new Random(1);
  const step = async () => {
    const { gradients } = await trainer.stepGradients(plan, 0, model, batch, trainable, new Random(random.nextUint32()));
    for (const gradient of gradients.values()) gradient.dispose();
  };
  await step(); // warm-up (also counted by the profiler: the first run is left out below)
  for (let run = 0; run < runs; run++) await step();
  await trainer.close(); // writes the profile
  title = `training step of ${plan.name} (${plan.data.size.join('x')}, stage ${stage.name}, batch ${stage.batch})`;
} else {
  const size: [number, number] = [Number(process.argv[2] ?? 320), Number(process.argv[3] ?? 640)];
  const stack = { depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' } as const;
  const plan = tinyPlan({ data: { size }, model: { patch: 16, encoder: { ...stack, dim: 256 }, decoder: { ...stack, dim: 128 } } });
  const model = createModel(plan);
  const fp32 = exportOnnx(model, plan, { fusedAttention: !process.argv.includes('--portable-attention'), scoring: true });
  // --int8: the graph runtime.precision: int8 scores with (onnx/quantize.ts).
  const bytes = process.argv.includes('--int8') ? quantizeInt8(fp32).bytes : fp32;
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads, enableProfiling: true, profileFilePrefix: prefix, extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const batch = 8;
  const random = new Random(1);
  const frames = Float32Array.from({ length: batch * size[0] * size[1] * 9 }, () => random.uniform(-1, 1));
  const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random }, 0.5);
  const feeds = {
    frames: new ort.Tensor('float32', frames, [batch, size[0], size[1], 9]),
    keep_index: new ort.Tensor('int64', BigInt64Array.from(mask.keepIndex, BigInt), [mask.keepIndex.length]),
    restore_index: new ort.Tensor('int64', BigInt64Array.from(mask.restoreIndex, BigInt), [mask.restoreIndex.length]),
  };
  await session.run(feeds, ['teacher_error_l2', 'discrepancy_l2']); // warm-up, left out below
  for (let run = 0; run < runs; run++) await session.run(feeds, ['teacher_error_l2', 'discrepancy_l2']);
  await session.release(); // writes the profile
  title = `scoring graph ${size[0]}x${size[1]} batch ${batch}${process.argv.includes('--int8') ? ', int8' : ''}`;
}

const file = readdirSync(tmpdir()).map((name) => join(tmpdir(), name)).find((path) => path.startsWith(prefix));
if (file === undefined) throw new Error('onnxruntime wrote no profile');
// One model_run event per session run (a training step with micro-batches has several); the warm-up's kernels are
// those before its last run ends. Each node's time is its fastest run (the machine may be shared: a preempted kernel
// would otherwise read as a slow one), and the time per run the fastest run's.
type ProfileEvent = { cat: string; name: string; dur: number; ts: number; args?: { op_name?: string } };
const events = JSON.parse(readFileSync(file, 'utf8')) as ProfileEvent[];
rmSync(file);
const runEvents = events.filter((event) => event.cat === 'Session' && event.name === 'model_run');
const warmupRuns = runEvents.length / (runs + 1);
const lastWarmup = runEvents[warmupRuns - 1];
const warmupEnd = lastWarmup === undefined ? -Infinity : lastWarmup.ts + lastWarmup.dur;
const wall = Math.min(...runEvents.slice(warmupRuns).map((event) => event.dur));
const fastest = new Map<string, { operator: string; us: number }>();
for (const event of events) {
  if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time') || event.ts < warmupEnd) continue;
  const known = fastest.get(event.name);
  if (known === undefined || event.dur < known.us) fastest.set(event.name, { operator: event.args?.op_name ?? '?', us: event.dur });
}
const byOperator = new Map<string, { us: number; calls: number }>();
const byRole = new Map<string, { us: number; calls: number }>();
let total = 0;
const add = (into: Map<string, { us: number; calls: number }>, key: string, us: number) => {
  const entry = into.get(key) ?? { us: 0, calls: 0 };
  entry.us += us;
  entry.calls += 1;
  into.set(key, entry);
};
for (const [name, { operator, us }] of fastest) {
  add(byOperator, operator, us);
  // encoder.blocks.1/attention/... and tap02 -> the same role for every block and tap.
  add(byRole, `${operator} ${name.replace(/_kernel_time$/, '').replace(/\/node(_\d+)?$/, '').replace(/\d+/g, '#')}`, us);
  total += us;
}
const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
console.log(`${title}, ${threads} threads: ${(wall / 1000).toFixed(0)} ms per run, ${(total / 1000).toFixed(0)} ms in kernels (each node's fastest of ${runs} runs after a warm-up)`);
for (const [operator, entry] of [...byOperator].sort((a, b) => b[1].us - a[1].us)) {
  console.log(`${operator.padEnd(24)} ${ms(entry.us)} ms  ${((100 * entry.us) / total).toFixed(1).padStart(5)}%  ${String(entry.calls).padStart(5)} nodes`);
}
if (nodeRows > 0) {
  console.log(`\nThe ${nodeRows} largest node roles (# = any number: every block, tap, head):`);
  for (const [role, entry] of [...byRole].sort((a, b) => b[1].us - a[1].us).slice(0, nodeRows)) {
    console.log(`${ms(entry.us)} ms  ${((100 * entry.us) / total).toFixed(1).padStart(5)}%  ${String(entry.calls).padStart(5)} nodes  ${role}`);
  }
}
