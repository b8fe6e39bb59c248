// DepthwiseConv2dNativeBackpropFilter, which wasm lacks. dW[i, j, c, m] = sum over n, oh, ow of
// x_padded[n, i*d + oh*s, j*d + ow*s, c] * dy[n, oh, ow, c*m + m']: per tap, the strided input slice times dy,
// summed over batch and positions; the k*k taps are stacked into the filter's shape.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, padSpatial, tapSlice } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { concat, release, reshape, run } from './kernel-calls.ts';
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
    const p = info.padInfo;
    const padded = padSpatial(backend, x, p.top, p.bottom, p.left, p.right);
    const [n, oh, ow] = dy.shape as [number, number, number, number];
    const dy5 = reshape(backend, dy, [n, oh, ow, c, m]);
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const tap = tapSlice(backend, padded, info, i, j); // [n, oh, ow, c]
        const tap5 = reshape(backend, tap, [n, oh, ow, c, 1]);
        const product = run('Multiply', backend, { a: tap5, b: dy5 });
        const summed = run('Sum', backend, { x: product }, { axis: [0, 1, 2], keepDims: false }); // [c, m]
        taps.push(reshape(backend, summed, [1, c, m]));
        release(backend, tap, tap5, product, summed);
      }
    }
    const stacked = concat(backend, taps, 0);
    const result = reshape(backend, stacked, convAttrs.filterShape);
    release(backend, padded, dy5, stacked, ...taps);
    return result;
  },
};
