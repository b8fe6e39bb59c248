// StridedSlice on heap views: wasm copies the whole input for unit-stride slices, and its kernel for real strides
// is slow (measured 39 ms for a stride-2 tap of a [4, 20, 40, 256] image, which the depthwise gradients take nine
// times). Positive strides with a unit stride on the last dimension are copied here as contiguous rows; other
// cases keep wasm's kernel.
import { slice_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sliceOnHeap, stridedSliceOnHeap } from './slice.ts';
import { release, reshape } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** StridedSlice with the contiguous cases routed around the copy. */
export const stridedSlicePatch: WasmKernelPatch = {
  kernelName: 'StridedSlice',
  kind: 'replace',
  reason: 'unit strides copy the whole input, real strides run slowly; copy rows from a heap view',
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
    const rowStrides = info.strides.length === x.shape.length && info.strides.every((stride) => stride > 0) && info.strides[info.strides.length - 1] === 1;
    const handled = info.isSimpleSlice || (info.sliceDim0 && unitStrides) || rowStrides;
    if (original === undefined || x.dtype === 'string' || info.isIdentity || !handled) {
      if (original === undefined) throw new Error('StridedSlice: no wasm kernel to delegate to');
      return original.kernelFunc(args);
    }
    const size = slice_util.computeOutShape(info.begin, info.end, info.strides);
    const sliced = unitStrides ? sliceOnHeap(backend, x, info.begin, size) : stridedSliceOnHeap(backend, x, info.begin, size, info.strides);
    const result = reshape(backend, sliced, info.finalShape);
    release(backend, sliced);
    return result;
  },
};
