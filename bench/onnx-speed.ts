// Inference speed (teacher + student, evaluation mode, mask ratio 0.5) of the ONNX engine (onnxruntime-node CPU,
// the model exported by packages/runtime/src/onnx) against TF.js wasm in the same process, at the paper's model size
// (patch 16, encoder 256 x 3 x 4, decoder 128 x 3 x 4, MLP ratio 2, pointwise-conv MLP, dwconv-bn q/k/v, anomaly
// channel, one student block after decoder block 1). Inputs are generated; frames/s = batch / seconds per run,
// median of the repeats (min and max beside it), with CPU seconds per frame (all threads; steadier than wall time
// on a shared machine). "model": the model alone on given frames and mask, teacher and student outputs copied out
// (TF.js: `forward` + data()); "infer": what the scorer calls per batch (mask drawing, model, per-patch summaries;
// TF.js: inferBatch, with --wasm-infer).
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/onnx-speed.ts \
//     [--sizes 160x320,320x640] [--batch 8] [--threads 2] [--repeats 5] [--engines onnx,wasm] [--wasm-infer]
//     [--spinning] [--portable-attention] [--precision fp32,int8] [--json]
// --precision: the onnx engine at each precision (runtime.precision; int8 = packages/runtime/src/onnx/quantize.ts),
// measured size by size in the same process, so their ratio is comparable even on a busy machine.
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { createModel, createOnnxInference, createTokenMask, inferBatch, selectBackend, describeBackend, type MaskedAutoencoder } from '../packages/runtime/src/index.ts';
import { forward } from '../packages/runtime/src/model/autoencoder.ts';
import { maskingRegistry } from '../packages/runtime/src/model/masking.ts';
import { patchify } from '../packages/runtime/src/model/patches.ts';
import { FIRST_PASS } from '../packages/runtime/src/model/test-mask.ts';
import { Random } from '../packages/runtime/src/random.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';

// TF.js resolves from the runtime package (pnpm installs it there, not at the root): the same copy the runtime uses.
const tf = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
const sizes = option('sizes', '160x320,320x640').split(',').map((size) => size.split('x').map(Number) as [number, number]);
const batch = Number(option('batch', '8'));
const threads = Number(option('threads', '2'));
const repeats = Number(option('repeats', '5'));
const engines = option('engines', 'onnx,wasm').split(',');
const json = process.argv.includes('--json');
const spinning = process.argv.includes('--spinning');
const portable = process.argv.includes('--portable-attention');
const precisions = option('precision', 'fp32').split(',') as ('fp32' | 'int8')[];

function paperPlan(size: [number, number]) {
  const stack = { depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' } as const;
  return tinyPlan({
    data: { size },
    model: { patch: 16, encoder: { ...stack, dim: 256 }, decoder: { ...stack, dim: 128 }, student: { after_block: 1, blocks: 1 }, outputs: { frame: 3, anomaly_map: 1, classifier: false } },
    masking: { ratio: 0.5, strategy: 'random' },
    runtime: { threads },
  });
}

interface Row { engine: string; size: string; batch: number; threads: number; fps: number; min: number; max: number; runs: number; cpuPerFrame: number; load: number }
const rows: Row[] = [];

async function measure(engine: string, size: [number, number], run: () => Promise<void>): Promise<void> {
  await run(); // warm-up: first-run allocations, kernel selection
  const seconds: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < repeats; index++) {
    const started = performance.now();
    await run();
    seconds.push((performance.now() - started) / 1000);
  }
  const cpu = process.cpuUsage(cpuStart);
  // CPU seconds per frame over all threads: less sensitive than wall time to other jobs on a shared machine.
  const cpuPerFrame = (cpu.user + cpu.system) / 1e6 / (repeats * batch);
  const fps = seconds.map((s) => batch / s).sort((a, b) => a - b);
  const row = { engine, size: `${size[0]}x${size[1]}`, batch, threads, fps: fps[Math.floor(fps.length / 2)] ?? 0, min: fps[0] ?? 0, max: fps[fps.length - 1] ?? 0, runs: repeats, cpuPerFrame, load: loadavg()[0] ?? 0 };
  rows.push(row);
  if (!json) console.log(`${row.engine.padEnd(12)} ${row.size.padEnd(8)} batch ${batch}  ${row.fps.toFixed(1)} frames/s (min ${row.min.toFixed(1)}, max ${row.max.toFixed(1)}); ${(cpuPerFrame * 1000).toFixed(0)} CPU-ms/frame; load ${row.load.toFixed(1)}`);
}

function inputs(model: MaskedAutoencoder, size: [number, number], seed: number) {
  const random = new Random(seed);
  const tokens = model.grid.rows * model.grid.cols;
  const width = model.grid.patch ** 2 * model.inputChannels;
  const frames = Float32Array.from({ length: batch * size[0] * size[1] * model.inputChannels }, () => random.uniform(-1, 1));
  const patches = patchify(frames, batch, model.grid, model.inputChannels);
  const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random }, 0.5);
  const testBatch = { size: batch, height: size[0], width: size[1], frames: Array.from({ length: batch }, (_, index) => index), input: frames, motion: new Float32Array(batch * size[0] * size[1] * 3) };
  return { frames, patches, mask, tokens, width, testBatch };
}

if (engines.includes('wasm')) {
  const report = await selectBackend('wasm', { threads });
  if (!json) console.log(`TF.js backend: ${describeBackend(report)}`);
} else {
  await tf.setBackend('cpu');
}
for (const size of sizes) {
  const plan = paperPlan(size);
  const model = createModel(plan);
  const { frames, patches, mask, tokens, width, testBatch } = inputs(model, size, 1);
  if (engines.includes('onnx')) {
    for (const precision of precisions) {
      const engine = await createOnnxInference(model, plan, { threads, spinning, fusedAttention: !portable, precision });
      const label = precision === 'fp32' ? 'onnx' : `onnx-${precision}`;
      await measure(`${label} model`, size, async () => { await engine.run(frames, batch, mask, true); });
      await measure(`${label} infer`, size, async () => { await engine.infer(testBatch, FIRST_PASS); });
      await engine.release();
    }
  }
  if (engines.includes('wasm')) {
    const context = { training: false, dropoutSeed: () => 0 };
    await measure('tfjs-wasm model', size, async () => {
      const outputs = tf.tidy(() => {
        const out = forward(model, tf.tensor3d(patches, [batch, tokens, width]), mask, context, true);
        return [out.teacher, out.student!];
      });
      await Promise.all(outputs.map((tensor) => tensor.data()));
      tf.dispose(outputs);
    });
    if (process.argv.includes('--wasm-infer')) await measure('tfjs-wasm infer', size, async () => { inferBatch(model, testBatch, { pass: FIRST_PASS }); });
  }
  model.params.dispose();
}
if (json) console.log(JSON.stringify({ cores: availableParallelism(), load: loadavg(), rows }, null, 2));
// The threaded wasm backend's worker threads keep the event loop alive: leave explicitly.
process.exit(0);
