// DepthwiseConv2dNativeBackpropInput, which wasm lacks. Filter [kh, kw, C, m], dy [N, OH, OW, C*m].
// - stride 1, no dilation, m = 1: dx = depthwise conv of the padded dy with the filter rotated 180 degrees;
// - otherwise, per tap (i, j): the tap's contribution dy * W[i, j] (summed over m) lands at rows i*d + oh*s and
//   columns j*d + ow*s of the padded input: zero-insert upsampling (pad + reshape), shift (pad), sum over taps,
//   then crop the padding.
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, padSpatial } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { release, reshape, run } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';
import { sliceOnHeap } from './slice.ts';

function rotatedFilterGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const p = info.padInfo;
  const top = info.filterHeight - 1 - p.top;
  const left = info.filterWidth - 1 - p.left;
  const bottom = info.inHeight - info.outHeight + info.filterHeight - 1 - top;
  const right = info.inWidth - info.outWidth + info.filterWidth - 1 - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  const rotated = run('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const padded = padSpatial(backend, dy, top, bottom, left, right);
  const dx = run('DepthwiseConv2dNative', backend, { x: padded, filter: rotated }, {
    strides: [1, 1], pad: 'valid', dilations: [1, 1], dimRoundingMode: undefined, dataFormat: 'NHWC',
  });
  release(backend, rotated, padded);
  return dx;
}

/** The contribution of tap (i, j) before placement: [N, OH, OW, C]. */
function tapContribution(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, i: number, j: number): TensorInfo {
  const [, , c, m] = filter.shape as [number, number, number, number];
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  const weights = sliceOnHeap(backend, filter, [i, j, 0, 0], [1, 1, c, m]);
  const weights2 = reshape(backend, weights, [c, m]);
  const dy5 = reshape(backend, dy, [n, oh, ow, c, m]);
  const product = run('Multiply', backend, { a: dy5, b: weights2 });
  const summed = run('Sum', backend, { x: product }, { axis: [4], keepDims: false });
  release(backend, weights, weights2, dy5, product);
  return summed;
}

function tapwiseInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const p = info.padInfo;
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  const c = info.inChannels;
  const paddedHeight = info.inHeight + p.top + p.bottom;
  const paddedWidth = info.inWidth + p.left + p.right;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const spanHeight = (oh - 1) * sh + 1;
  const spanWidth = (ow - 1) * sw + 1;
  const placed: TensorInfo[] = [];
  for (let i = 0; i < info.filterHeight; i++) {
    for (let j = 0; j < info.filterWidth; j++) {
      const contribution = tapContribution(backend, dy, filter, i, j);
      // Zero-insert: [N, OH, 1, OW, 1, C] padded to [N, OH, sh, OW, sw, C], read as [N, OH*sh, OW*sw, C], cropped.
      const spread = reshape(backend, contribution, [n, oh, 1, ow, 1, c]);
      const zeros = run('PadV2', backend, { x: spread }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      const upsampled = reshape(backend, zeros, [n, oh * sh, ow * sw, c]);
      const cropped = sliceOnHeap(backend, upsampled, [0, 0, 0, 0], [n, spanHeight, spanWidth, c]);
      const top = i * info.dilationHeight;
      const left = j * info.dilationWidth;
      placed.push(padSpatial(backend, cropped, top, paddedHeight - top - spanHeight, left, paddedWidth - left - spanWidth));
      release(backend, contribution, spread, zeros, upsampled, cropped);
    }
  }
  const total = placed.length === 1 ? (placed[0] as TensorInfo) : run('AddN', backend, placed as unknown as Record<string, TensorInfo>);
  const dx = sliceOnHeap(backend, total, [0, p.top, p.left, 0], [n, info.inHeight, info.inWidth, c]);
  release(backend, ...placed);
  if (placed.length !== 1) release(backend, total);
  return dx;
}

/** DepthwiseConv2dNativeBackpropInput for wasm. */
export const depthwiseBackpropInputPatch: WasmKernelPatch = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  kind: 'missing',
  reason: 'missing in wasm; stride 1: depthwise conv with the rotated filter; else per-tap zero-insert, shift and sum',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const convAttrs = attrs as unknown as ConvAttributes & { inputShape: number[] };
    const info = convGeometry(convAttrs.inputShape, filter.shape, convAttrs, true);
    const unitStride = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
    const simple = unitStride && filter.shape[3] === 1 ? rotatedFilterGradient(backend, dy, filter, info) : null;
    return simple ?? tapwiseInputGradient(backend, dy, filter, info);
  },
};
