// Conv2DBackpropFilter, which wasm lacks. dW[i, j, c, f] = sum over n, oh, ow of
// x_padded[n, i + oh*s, j + ow*s, c] * dy[n, oh, ow, f], written as MatMuls (wasm's fast kernel):
// - kernel = stride (the patch embedding, 1x1 convs): the patches are a reshape + transpose of x, one MatMul;
// - otherwise: one MatMul per filter tap, dy^T [F, N*OH*OW] x tap [N*OH*OW, C].
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, isPatchify, tapSlice } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { concat, matMul, release, reshape, run, transpose } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

function patchifyFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[]): TensorInfo {
  const [kh, kw, c, f] = filterShape as [number, number, number, number];
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  // Rows/columns past the last whole patch never reach the output: crop them.
  const cropped = x.shape[1] === oh * kh && x.shape[2] === ow * kw ? x
    : run('Slice', backend, { x }, { begin: [0, 0, 0, 0], size: [n, oh * kh, ow * kw, c] });
  const grid = reshape(backend, cropped, [n, oh, kh, ow, kw, c]);
  const patchesT = transpose(backend, grid, [2, 4, 5, 0, 1, 3]); // [kh, kw, c, n, oh, ow]
  const lhs = reshape(backend, patchesT, [kh * kw * c, n * oh * ow]);
  const rhs = reshape(backend, dy, [n * oh * ow, f]);
  const product = matMul(backend, lhs, rhs); // [kh*kw*c, f]
  const result = reshape(backend, product, filterShape);
  release(backend, grid, patchesT, lhs, rhs, product);
  if (cropped !== x) release(backend, cropped);
  return result;
}

function tapwiseFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, filterShape: number[], attrs: ConvAttributes): TensorInfo {
  const info = convGeometry(x.shape, filterShape, attrs, false);
  const [kh, kw, c, f] = filterShape as [number, number, number, number];
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const dy2 = reshape(backend, dy, [rows, f]);
  const dyT = transpose(backend, dy2, [1, 0]); // [f, rows]
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap = tapSlice(backend, x, info, i, j);
      const tap2 = reshape(backend, tap, [rows, c]);
      taps.push(matMul(backend, dyT, tap2)); // [f, c]
      release(backend, tap, tap2);
    }
  }
  const stacked = concat(backend, taps, 0); // [kh*kw*f, c]
  const grouped = reshape(backend, stacked, [kh * kw, f, c]);
  const swapped = transpose(backend, grouped, [0, 2, 1]);
  const result = reshape(backend, swapped, filterShape);
  release(backend, dy2, dyT, stacked, grouped, swapped, ...taps);
  return result;
}

/** Conv2DBackpropFilter for wasm. */
export const conv2dBackpropFilterPatch: WasmKernelPatch = {
  kernelName: 'Conv2DBackpropFilter',
  kind: 'missing',
  reason: 'missing in wasm; patch reshape + one MatMul when kernel = stride, one MatMul per tap otherwise',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const convAttrs = attrs as unknown as ConvAttributes & { filterShape: number[] };
    const info = convGeometry(x.shape, convAttrs.filterShape, convAttrs, false);
    return isPatchify(info)
      ? patchifyFilterGradient(backend, x, dy, convAttrs.filterShape)
      : tapwiseFilterGradient(backend, x, dy, convAttrs.filterShape, convAttrs);
  },
};
