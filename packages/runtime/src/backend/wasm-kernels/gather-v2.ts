// GatherV2 with batchDims > 0: wasm returns silently wrong values (tensorflow/tfjs#8658). Rewritten as a plain
// gather (batchDims = 0, which is correct) over x flattened to rows [batch * outer * dim, slice], with each index
// offset to its own batch entry's rows. batchDims = 0 keeps wasm's kernel.
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { fromValues, heapView, release, reshape } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

function batchedGather(original: KernelConfig, args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0] as number;
  const batchDims = attrs.batchDims as number;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(
    { shape: x.shape } as never, { shape: indices.shape } as never, axis, batchDims,
  );
  const perBatch = util.sizeFromShape(indices.shape) / info.batchSize;
  const source = heapView(backend, indices);
  const flat = new Int32Array(info.batchSize * info.outerSize * perBatch);
  for (let b = 0; b < info.batchSize; b++) {
    for (let o = 0; o < info.outerSize; o++) {
      const rowBase = (b * info.outerSize + o) * info.dimSize;
      for (let k = 0; k < perBatch; k++) {
        const index = source[b * perBatch + k] as number;
        if (index < 0 || index >= info.dimSize) throw new Error(`GatherV2: the index value ${index} is not in [0, ${info.dimSize - 1}]`);
        flat[(b * info.outerSize + o) * perBatch + k] = rowBase + index;
      }
    }
  }
  const rows = reshape(backend, x, [info.batchSize * info.outerSize * info.dimSize, info.sliceSize]);
  const flatIndices = fromValues(backend, [flat.length], flat);
  const gathered = original.kernelFunc({ inputs: { x: rows, indices: flatIndices }, backend, attrs: { axis: 0, batchDims: 0 } }) as TensorInfo;
  const result = reshape(backend, gathered, info.outputShape);
  release(backend, rows, flatIndices, gathered);
  return result;
}

/** GatherV2 with the batchDims case fixed. */
export const gatherV2Patch: WasmKernelPatch = {
  kernelName: 'GatherV2',
  kind: 'replace',
  reason: 'batchDims > 0 gives silently wrong output (tfjs#8658); flat gather with per-batch offsets',
  create: (original) => {
    if (original === undefined) throw new Error('GatherV2: wasm kernel missing');
    return (args) => {
      const typed = args as unknown as WasmKernelArgs;
      return ((typed.attrs.batchDims as number | undefined) ?? 0) === 0 ? original.kernelFunc(args) : batchedGather(original, typed);
    };
  },
};
