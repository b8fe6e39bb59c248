// The training graph's grid ops alone, forward and backward as the tape writes them (packages/runtime/src/onnx/
// tape.ts), in onnxruntime: BatchNorm on its own and a depthwise 3x3 conv on its own, at the grids of the 160x320
// recipe (encoder [8, 256, 10, 10], decoder [8, 128, 10, 20]), against the same ops of a baseline checkout's tape
// when one is given; interleaved runs, min / first quartile / median ms. The whole step's profile cannot resolve a
// change this small on a shared machine; this can.
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/tape-grid-ops.ts [baseline-checkout] [--runs N]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OnnxGraph, OnnxType } from '../packages/runtime/src/onnx/onnx-graph.ts';
import { Tape } from '../packages/runtime/src/onnx/tape.ts';

const require = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 200;
const baselineDir = process.argv.slice(2).find((arg, index, all) => !arg.startsWith('--') && all[index - 1] !== '--runs');
const tapes: Array<[string, typeof Tape]> = [['this checkout', Tape]];
if (baselineDir !== undefined) {
  const baseline = (await import(pathToFileURL(resolve(baselineDir, 'packages/runtime/src/onnx/tape.ts')).href)) as { Tape: typeof Tape };
  tapes.unshift([`baseline ${baselineDir}`, baseline.Tape]);
}

// loss = sum(weights * op(x)); every input but the weights asks for its gradient.
function graphOf(TapeClass: typeof Tape, op: 'batch norm' | 'depthwise conv', shape: readonly number[]): Uint8Array {
  const graph = new OnnxGraph('grid_op');
  const tape = new TapeClass(graph);
  const channels = shape[1] as number;
  const x = tape.input('x', shape, true);
  const weights = tape.input('weights', shape);
  const parameters = op === 'batch norm'
    ? [tape.input('gamma', [channels], true), tape.input('beta', [channels], true)]
    : [tape.input('filter', [channels, 1, 3, 3], true)];
  const [first, second] = parameters as [typeof x, typeof x];
  const y = op === 'batch norm' ? tape.batchNorm(x, first, second, 1e-5).y : tape.depthwiseConv(x, first);
  const loss = tape.reduceSum(tape.mul(y, weights), shape.map((_, axis) => axis), false);
  const asked = [x, ...parameters];
  tape.gradients(loss, asked).forEach((gradient, index) => graph.output(gradient, `grad_${index}`, OnnxType.float, (asked[index] as typeof x).shape));
  return graph.encode({ name: 'vadc', version: 'bench' });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
for (const op of ['batch norm', 'depthwise conv'] as const) {
  for (const shape of [[8, 256, 10, 10], [8, 128, 10, 20]]) {
    const channels = shape[1] as number;
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = (values: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', values, dims);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      x: tensor(Float32Array.from({ length: size }, () => Math.random() * 4 - 1), shape),
      weights: tensor(Float32Array.from({ length: size }, () => Math.random() - 0.5), shape),
      gamma: tensor(new Float32Array(channels).fill(1.2), [channels]),
      beta: tensor(new Float32Array(channels).fill(0.1), [channels]),
      filter: tensor(Float32Array.from({ length: channels * 9 }, () => Math.random() - 0.5), [channels, 1, 3, 3]),
    };
    const sessions = await Promise.all(tapes.map(([, TapeClass]) => ort.InferenceSession.create(graphOf(TapeClass, op, shape), {
      intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } }, logSeverityLevel: 3,
    })));
    const times = sessions.map(() => [] as number[]);
    for (let run = 0; run < runs + 5; run++) {
      for (const [index, session] of sessions.entries()) {
        const started = performance.now();
        await session.run(Object.fromEntries(session.inputNames.map((name: string) => [name, feeds[name] as InstanceType<typeof ort.Tensor>])));
        if (run >= 5) times[index]?.push(performance.now() - started); // the first runs warm up
      }
    }
    const line = tapes.map(([label], index) => {
      const sorted = (times[index] as number[]).sort((a, b) => a - b);
      return `${label}: min ${quantile(sorted, 0).toFixed(3)} p25 ${quantile(sorted, 0.25).toFixed(3)} median ${quantile(sorted, 0.5).toFixed(3)} ms`;
    });
    console.log(`${op} [${shape.join(', ')}], forward and backward, ${runs} runs, 2 threads: ${line.join(' | ')}`);
    await Promise.all(sessions.map((session) => session.release()));
  }
}
