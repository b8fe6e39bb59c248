// StridedSlice: the simple (unit-stride) cases go through the heap-view slice instead of wasm's whole-input copy;
// real strides keep wasm's own kernel, which works on the heap.
import { slice_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sliceOnHeap } from './slice.ts';
import { release, reshape } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** StridedSlice with the contiguous cases routed around the copy. */
export const stridedSlicePatch: WasmKernelPatch = {
  kernelName: 'StridedSlice',
  kind: 'replace',
  reason: 'unit-stride cases copy the whole input in wasm; slice them from a heap view',
  create: (original) => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    const info = slice_util.sliceInfo(
      x.shape,
      attrs.begin as number[],
      attrs.end as number[],
      attrs.strides as number[],
      attrs.beginMask as number,
      attrs.endMask as number,
      attrs.ellipsisMask as number,
      attrs.newAxisMask as number,
      attrs.shrinkAxisMask as number,
    );
    const unitStrides = info.strides.every((stride) => stride === 1);
    if (original === undefined || x.dtype === 'string' || info.isIdentity || !(info.isSimpleSlice || (info.sliceDim0 && unitStrides))) {
      if (original === undefined) throw new Error('StridedSlice: no wasm kernel to delegate to');
      return original.kernelFunc(args);
    }
    const size = slice_util.computeOutShape(info.begin, info.end, info.strides);
    const sliced = sliceOnHeap(backend, x, info.begin, size);
    const result = reshape(backend, sliced, info.finalShape);
    release(backend, sliced);
    return result;
  },
};
