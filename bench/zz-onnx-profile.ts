// temporary: op-level profile of the scoring graph at 320x640 batch 8 (deleted after use)
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createModel, exportOnnx, createTokenMask, maskingRegistry } from '../packages/runtime/src/index.ts';
import { Random } from '../packages/runtime/src/random.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';
const require = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
const ort = require('onnxruntime-node');
await require('@tensorflow/tfjs-core').setBackend('cpu');
const stack = { depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' } as const;
const size: [number, number] = [Number(process.argv[2] ?? 320), Number(process.argv[3] ?? 640)];
const plan = tinyPlan({ data: { size }, model: { patch: 16, encoder: { ...stack, dim: 256 }, decoder: { ...stack, dim: 128 } } });
const model = createModel(plan);
const bytes = exportOnnx(model, plan, { fusedAttention: process.argv[4] !== 'portable', scoring: true });
const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, enableProfiling: true, profileFilePrefix: '/tmp/ortprof', extra: { session: { intra_op: { allow_spinning: '0' } } } });
const batch = 8;
const random = new Random(1);
const frames = Float32Array.from({ length: batch * size[0] * size[1] * 9 }, () => random.uniform(-1, 1));
const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random }, 0.5);
const feeds = {
  frames: new ort.Tensor('float32', frames, [batch, size[0], size[1], 9]),
  keep_index: new ort.Tensor('int64', BigInt64Array.from(mask.keepIndex, BigInt), [mask.keepIndex.length]),
  restore_index: new ort.Tensor('int64', BigInt64Array.from(mask.restoreIndex, BigInt), [mask.restoreIndex.length]),
};
for (let i = 0; i < 3; i++) await session.run(feeds, ['teacher_error_l2', 'discrepancy_l2']);
session.endProfiling?.();
await session.release();
const file = readdirSync('/tmp').filter((f) => f.startsWith('ortprof')).map((f) => `/tmp/${f}`)[0]!;
const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; args?: { op_name?: string } }>;
rmSync(file);
const byOp = new Map<string, number>();
let total = 0;
for (const e of events) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) { const op = e.args?.op_name ?? '?'; byOp.set(op, (byOp.get(op) ?? 0) + e.dur); total += e.dur; }
console.log('total', (total / 3000).toFixed(0), 'ms/run');
for (const [op, dur] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(op.padEnd(28), (dur / 3000).toFixed(1), 'ms/run', (100 * dur / total).toFixed(1) + '%');
process.exit(0);
