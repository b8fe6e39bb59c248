// Kernel throughput (GFLOP/s) of the ops training spends its time in, on: wasm with TF.js's stock kernels
// (1 thread, SIMD), wasm with this runtime's kernel patches on 1 thread and threaded (all cores), and the cpu
// backend for reference. Each configuration runs in its own child process (a backend's state cannot be reset).
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/kernels.ts [--json] [--threads N]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// TF.js resolves from the runtime package (pnpm installs it there, not at the root): the same copy the runtime uses.
const require = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Tensor4D = import('@tensorflow/tfjs-core').Tensor4D;

type Mode = 'stock' | 'wasm-1' | 'wasm-threaded' | 'cpu';

interface Case {
  name: string;
  /** Floating-point operations of one call. */
  flops: number;
  setup(): { run(): Tensor | Tensor[]; inputs: Tensor[] };
}

const random = (shape: number[]): Tensor => tf.randomUniform(shape, -1, 1, 'float32', 1);

function matMulCase(name: string, a: number[], b: number[], transposeA = false, transposeB = false): Case {
  const m = a[a.length - (transposeA ? 1 : 2)] as number;
  const k = a[a.length - (transposeA ? 2 : 1)] as number;
  const n = b[b.length - (transposeB ? 2 : 1)] as number;
  const batch = a.slice(0, -2).reduce((x, y) => x * y, 1);
  return {
    name, flops: 2 * batch * m * k * n,
    setup: () => {
      const inputs = [random(a), random(b)];
      return { inputs, run: () => tf.matMul(inputs[0] as Tensor, inputs[1] as Tensor, transposeA, transposeB) };
    },
  };
}

function convCase(name: string, x: [number, number, number, number], w: [number, number, number, number], stride: number, pad: 'valid' | 'same', kind: 'forward' | 'filter' | 'input' | 'depthwise' | 'depthwise-filter' | 'depthwise-input'): Case {
  const outH = pad === 'same' ? Math.ceil(x[1] / stride) : Math.floor((x[1] - w[0]) / stride) + 1;
  const outW = pad === 'same' ? Math.ceil(x[2] / stride) : Math.floor((x[2] - w[1]) / stride) + 1;
  const depthwise = kind.startsWith('depthwise');
  const outChannels = depthwise ? w[2] * w[3] : w[3];
  const flops = 2 * x[0] * outH * outW * w[0] * w[1] * w[2] * w[3];
  return {
    name, flops,
    setup: () => {
      const input = random(x) as Tensor4D;
      const filter = random(w) as Tensor4D;
      const dy = random([x[0], outH, outW, outChannels]) as Tensor4D;
      const inputs = [input, filter, dy];
      const convAttrs = { strides: stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
      const depthwiseAttrs = { strides: stride, pad, dilations: 1, dimRoundingMode: undefined };
      const kernel = (name: string, kernelInputs: Record<string, Tensor>, attrs: object) => (): Tensor =>
        tf.engine().runKernel(name, kernelInputs, attrs as unknown as import('@tensorflow/tfjs-core').NamedAttrMap) as Tensor;
      const run = {
        forward: () => tf.conv2d(input, filter, stride, pad),
        filter: kernel('Conv2DBackpropFilter', { x: input, dy }, { ...convAttrs, filterShape: w }),
        input: kernel('Conv2DBackpropInput', { dy, filter }, { ...convAttrs, inputShape: x }),
        depthwise: () => tf.depthwiseConv2d(input, filter, stride, pad),
        'depthwise-filter': kernel('DepthwiseConv2dNativeBackpropFilter', { x: input, dy }, { ...depthwiseAttrs, filterShape: w }),
        'depthwise-input': kernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...depthwiseAttrs, inputShape: x }),
      }[kind];
      return { inputs, run };
    },
  };
}

// Shapes from the paper's model at 160x320 / 320x640 (patch 16, encoder dim 256, 4 heads, MLP ratio 2).
const cases: Case[] = [
  matMulCase('MatMul 2-d [1600, 256] x [256, 512] (linear layer)', [1600, 256], [256, 512]),
  matMulCase('MatMul transposeB [1600, 256] x [512, 256]^T (a linear gradient)', [1600, 256], [512, 256], false, true),
  matMulCase('MatMul transposeA [1600, 256]^T x [1600, 512] (a weight gradient)', [1600, 256], [1600, 512], true, false),
  matMulCase('BatchMatMul attention q k^T [32, 200, 64] x [32, 200, 64]^T', [32, 200, 64], [32, 200, 64], false, true),
  matMulCase('BatchMatMul attention p v [32, 200, 200] x [32, 200, 64]', [32, 200, 200], [32, 200, 64]),
  convCase('Conv2D patch embedding 16x16/16, [8, 160, 320, 3] -> 256', [8, 160, 320, 3], [16, 16, 3, 256], 16, 'valid', 'forward'),
  convCase('Conv2D 1x1, [4, 20, 40, 256] -> 512', [4, 20, 40, 256], [1, 1, 256, 512], 1, 'valid', 'forward'),
  convCase('Conv2D 3x3 same, [4, 20, 40, 128] -> 128', [4, 20, 40, 128], [3, 3, 128, 128], 1, 'same', 'forward'),
  convCase('Conv2DBackpropFilter 1x1, [4, 20, 40, 256] -> 512', [4, 20, 40, 256], [1, 1, 256, 512], 1, 'valid', 'filter'),
  convCase('Conv2DBackpropInput 1x1, [4, 20, 40, 256] -> 512', [4, 20, 40, 256], [1, 1, 256, 512], 1, 'valid', 'input'),
  convCase('Conv2DBackpropInput 3x3 same, [4, 20, 40, 128] -> 128', [4, 20, 40, 128], [3, 3, 128, 128], 1, 'same', 'input'),
  convCase('Depthwise 3x3 stride 1, [4, 20, 40, 256]', [4, 20, 40, 256], [3, 3, 256, 1], 1, 'same', 'depthwise'),
  convCase('Depthwise 3x3 stride 1 gradient wrt filter, [4, 20, 40, 256]', [4, 20, 40, 256], [3, 3, 256, 1], 1, 'same', 'depthwise-filter'),
  convCase('Depthwise 3x3 stride 1 gradient wrt input, [4, 20, 40, 256]', [4, 20, 40, 256], [3, 3, 256, 1], 1, 'same', 'depthwise-input'),
  convCase('Depthwise 3x3 stride 2 gradient wrt filter, [4, 20, 40, 256]', [4, 20, 40, 256], [3, 3, 256, 1], 2, 'same', 'depthwise-filter'),
  convCase('Depthwise 3x3 stride 2 gradient wrt input, [4, 20, 40, 256]', [4, 20, 40, 256], [3, 3, 256, 1], 2, 'same', 'depthwise-input'),
];

const cpuReference = new Set([cases[0]?.name, cases[5]?.name, cases[6]?.name]);

/** Median seconds per call: 2 warm-up calls, then calls until `budget` seconds or 15 calls. */
function timeCase(run: () => Tensor | Tensor[], budget: number): number {
  const once = (): number => {
    const start = performance.now();
    const out = run();
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t) => t.dataSync());
    const seconds = (performance.now() - start) / 1000;
    tf.dispose(list);
    return seconds;
  };
  once();
  once();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || (times.length < 15 && performance.now() - started < budget * 1000)) times.push(once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function measure(mode: Mode, threads: number): Promise<Record<string, number | string>> {
  const result: Record<string, number | string> = {};
  if (mode === 'stock') {
    // The package's own registration: SIMD binary, stock kernels (missing gradients stay missing).
    require('@tensorflow/tfjs-backend-wasm');
    require('@tensorflow/tfjs');
    await tf.setBackend('wasm');
  } else {
    const { selectBackend } = await import('../packages/runtime/src/backend/select-backend.ts');
    const report = await selectBackend(mode === 'cpu' ? 'cpu' : 'wasm', { threads: mode === 'wasm-threaded' ? threads : 1 });
    result.threads = report.threads;
  }
  for (const c of cases) {
    // The cpu backend takes seconds per call on the convolutions: measure only the reference rows there.
    if (mode === 'cpu' && !cpuReference.has(c.name)) continue;
    const { run, inputs } = c.setup();
    try {
      const seconds = timeCase(run, mode === 'cpu' ? 1.5 : 1);
      result[c.name] = c.flops / seconds / 1e9;
    } catch (error) {
      result[c.name] = `error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    tf.dispose(inputs);
  }
  return result;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childMode = args[args.indexOf('--child') + 1] as Mode | undefined;
  const threadsIndex = args.indexOf('--threads');
  const threads = threadsIndex >= 0 ? Number(args[threadsIndex + 1]) : availableParallelism();
  if (args.includes('--child') && childMode !== undefined) {
    process.stdout.write(`${JSON.stringify(await measure(childMode, threads))}\n`);
    return;
  }
  const modes: Mode[] = ['stock', 'wasm-1', 'wasm-threaded', 'cpu'];
  const results: Record<string, Record<string, number | string>> = {};
  for (const mode of modes) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', mode, '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 600_000 });
    process.stderr.write(`${mode}: ${child.stdout.trim().split('\n').pop() ?? ''}\n`);
    const line = child.stdout.trim().split('\n').pop() ?? '';
    try {
      results[mode] = JSON.parse(line) as Record<string, number | string>;
    } catch {
      results[mode] = { error: `child failed: ${child.stderr.split('\n').filter(Boolean).slice(-2).join(' ')}` };
    }
  }
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ threads, results }, null, 2)}\n`);
    return;
  }
  const format = (value: number | string | undefined): string => (typeof value === 'number' ? value.toFixed(value < 10 ? 2 : 1) : value === undefined ? '-' : value.startsWith('error') ? 'missing/failed' : value);
  const lines = [
    `| kernel (GFLOP/s) | wasm stock, 1 thread | wasm patched, 1 thread | wasm patched, ${results['wasm-threaded']?.threads ?? threads} threads | cpu backend |`,
    '| --- | --- | --- | --- | --- |',
    ...cases.map((c) => `| ${c.name} | ${modes.map((m) => format(results[m]?.[c.name])).join(' | ')} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
