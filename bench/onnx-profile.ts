// Where the ONNX engine's time goes: onnxruntime's own profiler over three runs of the scoring graph (the graph
// createOnnxInference runs) at the paper's model size, summed per operator type.
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/onnx-profile.ts [height width] [--portable-attention] [--threads N]
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, createTokenMask } from '../packages/runtime/src/index.ts';
import { exportOnnx } from '../packages/runtime/src/onnx/export-onnx.ts';
import { maskingRegistry } from '../packages/runtime/src/model/masking.ts';
import { Random } from '../packages/runtime/src/random.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';

// Both resolve from the runtime package (pnpm installs them there): the copies the runtime uses.
const require = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
await (require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core')).setBackend('cpu');

const size: [number, number] = [Number(process.argv[2] ?? 320), Number(process.argv[3] ?? 640)];
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : 2;
const stack = { depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' } as const;
const plan = tinyPlan({ data: { size }, model: { patch: 16, encoder: { ...stack, dim: 256 }, decoder: { ...stack, dim: 128 } } });
const model = createModel(plan);
const bytes = exportOnnx(model, plan, { fusedAttention: !process.argv.includes('--portable-attention'), scoring: true });
const prefix = join(tmpdir(), `vadc-onnx-profile-${process.pid}`);
const session = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: threads, enableProfiling: true, profileFilePrefix: prefix, extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const batch = 8;
const runs = 3;
const random = new Random(1);
const frames = Float32Array.from({ length: batch * size[0] * size[1] * 9 }, () => random.uniform(-1, 1));
const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random }, 0.5);
const feeds = {
  frames: new ort.Tensor('float32', frames, [batch, size[0], size[1], 9]),
  keep_index: new ort.Tensor('int64', BigInt64Array.from(mask.keepIndex, BigInt), [mask.keepIndex.length]),
  restore_index: new ort.Tensor('int64', BigInt64Array.from(mask.restoreIndex, BigInt), [mask.restoreIndex.length]),
};
for (let run = 0; run < runs; run++) await session.run(feeds, ['teacher_error_l2', 'discrepancy_l2']);
await session.release(); // writes the profile
const file = readdirSync(tmpdir()).map((name) => join(tmpdir(), name)).find((path) => path.startsWith(prefix));
if (file === undefined) throw new Error('onnxruntime wrote no profile');
const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string } }>;
rmSync(file);
const byOperator = new Map<string, number>();
let total = 0;
for (const event of events) {
  if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
  const operator = event.args?.op_name ?? '?';
  byOperator.set(operator, (byOperator.get(operator) ?? 0) + event.dur);
  total += event.dur;
}
console.log(`${size[0]}x${size[1]} batch ${batch}, ${threads} threads: ${(total / runs / 1000).toFixed(0)} ms of kernel time per run`);
for (const [operator, microseconds] of [...byOperator].sort((a, b) => b[1] - a[1])) {
  console.log(`${operator.padEnd(24)} ${(microseconds / runs / 1000).toFixed(1).padStart(8)} ms  ${((100 * microseconds) / total).toFixed(1).padStart(5)}%`);
}
