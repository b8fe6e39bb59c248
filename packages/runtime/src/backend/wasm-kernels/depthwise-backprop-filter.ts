// DepthwiseConv2dNativeBackpropFilter, which wasm lacks. dW[i, j, c, m] = sum over n, oh, ow of
// x_padded[n, i*d + oh*s, j*d + ow*s, c] * dy[n, oh, ow, c*m + m']: per tap, the strided input slice times dy,
// summed over batch and positions (the sum as ones [1, rows] x product [rows, C*m], a fast MatMul, where wasm's Sum
// over leading axes transposes first); the k*k taps are stacked into the filter's shape.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, tapSlice } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { concat, fromValues, matMul, release, reshape, run } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** DepthwiseConv2dNativeBackpropFilter for wasm. */
export const depthwiseBackpropFilterPatch: WasmKernelPatch = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  kind: 'missing',
  reason: 'missing in wasm; per tap: strided input slice x dy, summed',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const convAttrs = attrs as unknown as ConvAttributes & { filterShape: number[] };
    const [kh, kw, c, m] = convAttrs.filterShape as [number, number, number, number];
    const info = convGeometry(x.shape, convAttrs.filterShape, convAttrs, true);
    const [n, oh, ow] = dy.shape as [number, number, number, number];
    const rows = n * oh * ow;
    const dy3 = reshape(backend, dy, [rows, c, m]);
    const ones = fromValues(backend, [1, rows], new Float32Array(rows).fill(1));
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const tap = tapSlice(backend, x, info, i, j); // [n, oh, ow, c]
        const tap3 = reshape(backend, tap, [rows, c, 1]);
        const product = run('Multiply', backend, { a: tap3, b: dy3 }); // [rows, c, m]
        const product2 = reshape(backend, product, [rows, c * m]);
        taps.push(matMul(backend, ones, product2)); // [1, c*m]
        release(backend, tap, tap3, product, product2);
      }
    }
    const stacked = concat(backend, taps, 0);
    const result = reshape(backend, stacked, convAttrs.filterShape);
    release(backend, dy3, ones, stacked, ...taps);
    return result;
  },
};
