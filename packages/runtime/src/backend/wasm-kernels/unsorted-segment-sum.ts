// UnsortedSegmentSum (the gradient of gather), which wasm lacks: out[s] = sum of the rows x[r] with
// segmentIds[r] = s, for x [rows, ...inner]. Rows are summed in order straight on the heap, so the result is
// bit-identical to the cpu backend's. Ids outside [0, numSegments) are dropped, as TensorFlow does.
import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapView } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** UnsortedSegmentSum for wasm. */
export const unsortedSegmentSumPatch: WasmKernelPatch = {
  kernelName: 'UnsortedSegmentSum',
  kind: 'missing',
  reason: 'missing in wasm; a segment sum over the rows on the heap',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    const segmentIds = inputs.segmentIds as TensorInfo;
    const numSegments = attrs.numSegments as number;
    const idCount = util.sizeFromShape(segmentIds.shape);
    const inner = idCount === 0 ? 0 : util.sizeFromShape(x.shape) / idCount;
    const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    // Views after the allocation (it may grow the heap); a fresh output is not guaranteed to be zeroed.
    const target = heapView(backend, out);
    target.fill(0);
    const source = heapView(backend, x);
    const ids = heapView(backend, segmentIds);
    for (let row = 0; row < idCount; row++) {
      const segment = ids[row] as number;
      if (segment < 0 || segment >= numSegments) continue;
      const from = row * inner;
      const to = segment * inner;
      for (let e = 0; e < inner; e++) target[to + e] = (target[to + e] as number) + (source[from + e] as number);
    }
    return out;
  },
};
