// Inference frames/s of the official model exported to ONNX (bench/pytorch/official-speed.py --export-onnx) in
// onnxruntime-node, with the session options vadc's own engine uses (createCpuSession: sequential, graph
// optimisation 'all', no spinning, the same intra-op threads), on random inputs of the exported shapes.
//
// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/pytorch/official-onnx-speed.ts \
//          <model.onnx> --size 160x320 [--batch 8] [--threads 2] [--warmup 2] [--repeats 5] [--steps 2]
import { readFileSync } from 'node:fs';
import { createCpuSession, loadOnnxRuntime } from '../../packages/runtime/src/onnx/onnxruntime.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
const file = process.argv[2];
if (file === undefined || file.startsWith('--')) throw new Error('usage: official-onnx-speed.ts <model.onnx> --size HxW ...');
const [height, width] = option('size', '160x320').split('x').map(Number) as [number, number];
const batch = Number(option('batch', '8'));
const threads = Number(option('threads', '2'));
const warmup = Number(option('warmup', '2'));
const repeats = Number(option('repeats', '5'));
const steps = Number(option('steps', '2'));

const ort = await loadOnnxRuntime();
const session = await createCpuSession(ort, readFileSync(file), file, { threads });
const random = (channels: number) => {
  const data = new Float32Array(batch * channels * height * width);
  for (let i = 0; i < data.length; i++) data[i] = Math.random();
  return new ort.Tensor('float32', data, [batch, channels, height, width]);
};
const feeds = { frames: random(9), targets: random(4), motion: random(3) };
for (let i = 0; i < warmup; i++) await session.run(feeds);
const rates: number[] = [];
for (let r = 0; r < repeats; r++) {
  const start = performance.now();
  for (let s = 0; s < steps; s++) await session.run(feeds);
  rates.push((batch * steps) / ((performance.now() - start) / 1000));
}
const sorted = [...rates].sort((a, b) => a - b);
console.log(JSON.stringify({
  engine: 'official model in onnxruntime-node', mode: 'infer', size: `${height}x${width}`, batch, threads,
  frames_per_s: { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) },
  repeats: rates.map((r) => Number(r.toFixed(3))), peak_rss_gib: process.resourceUsage().maxRSS / 2 ** 20,
}));
