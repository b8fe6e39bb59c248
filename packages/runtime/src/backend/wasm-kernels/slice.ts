// Slice without the whole-input copy: wasm's Slice reads its input with `readSync`, which copies the entire tensor
// off the heap on every call (docs/tfjs-notes.md: Slice, Unpack, SplitV). This one copies only the selected runs, reading
// the input through a zero-copy heap view.
import { slice_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/**
 * Copies x[begin[d] + i * strides[d]] for i < size[d] in every dimension d (numeric dtypes; the last dimension's
 * stride must be 1, positive strides only) into a new tensor of shape `size`. Rows of the last dimension are copied
 * as contiguous runs, so strided taps over NHWC images cost one short copy per pixel.
 */
export function stridedSliceOnHeap(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[], strides: number[]): TensorInfo {
  const rank = x.shape.length;
  if (rank === 0 || strides.every((stride) => stride === 1)) return sliceOnHeap(backend, x, begin, size);
  util.assert(strides[rank - 1] === 1 && strides.every((stride) => stride > 0), () => 'stridedSliceOnHeap: unsupported strides');
  const out = backend.makeOutput(size, x.dtype);
  const count = util.sizeFromShape(size);
  if (count === 0) return out;
  const source = heapView(backend, x);
  const target = heapView(backend, out);
  const elementStrides = [...util.computeStrides(x.shape), 1];
  const run = size[rank - 1] as number;
  const outer = size.slice(0, rank - 1);
  const index = new Array<number>(rank - 1).fill(0);
  for (let row = 0; row < count / run; row++) {
    let offset = begin[rank - 1] as number;
    for (let d = 0; d < rank - 1; d++) offset += ((begin[d] as number) + (index[d] as number) * (strides[d] as number)) * (elementStrides[d] as number);
    target.set(source.subarray(offset, offset + run), row * run);
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outer[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Copies x[begin : begin + size] (any rank, numeric dtypes) into a new tensor. */
export function sliceOnHeap(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  // Views are taken after the allocation above, which may have grown (and replaced) the heap buffer.
  const source = heapView(backend, x);
  const target = heapView(backend, out);
  const rank = x.shape.length;
  const strides = util.computeStrides(x.shape);
  if (rank === 0 || slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = rank === 0 ? 0 : slice_util.computeFlatOffset(begin, strides);
    target.set(source.subarray(offset, offset + target.length));
    return out;
  }
  // Fold the trailing dimensions that are taken whole into one contiguous run.
  let inner = rank - 1;
  let run = size[inner] as number;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner] as number;
  }
  const outerShape = size.slice(0, inner);
  const outerCount = util.sizeFromShape(outerShape);
  const index = new Array<number>(inner).fill(0);
  const innerStart = (begin[inner] as number) * (inner === rank - 1 ? 1 : (strides[inner] as number));
  for (let row = 0; row < outerCount; row++) {
    let offset = innerStart;
    for (let d = 0; d < inner; d++) offset += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    target.set(source.subarray(offset, offset + run), row * run);
    for (let d = inner - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outerShape[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Slice: copies only the slice. */
export const slicePatch: WasmKernelPatch = {
  kernelName: 'Slice',
  kind: 'replace',
  reason: 'wasm copies the whole input per call; copy only the slice from a heap view',
  create: (original) => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string' && original !== undefined) return original.kernelFunc(args);
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
    return sliceOnHeap(backend, x, begin, size);
  },
};
