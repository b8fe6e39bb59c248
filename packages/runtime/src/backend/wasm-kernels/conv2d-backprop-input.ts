// Conv2DBackpropInput: wasm's kernel is a naive loop (about 0.6-1.5 GFLOP/s). Two common cases are rewritten:
// - kernel = stride (patch embedding, 1x1 convs): dx patches = dy [N*OH*OW, F] x W^T [F, kh*kw*C], then the patches
//   are put back in place with a reshape + transpose (and zero rows/columns past the last whole patch);
// - stride 1, no dilation: dx = Conv2D(pad(dy), W rotated 180 degrees with in/out channels swapped), on wasm's
//   fast Conv2D.
// Other cases keep wasm's own kernel.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, isPatchify, padSpatial } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { matMul, release, reshape, run, transpose } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

function patchifyInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, inputShape: number[]): TensorInfo {
  const [kh, kw, c, f] = filter.shape as [number, number, number, number];
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  const w2 = reshape(backend, filter, [kh * kw * c, f]);
  const wT = transpose(backend, w2, [1, 0]); // [f, kh*kw*c]
  const dy2 = reshape(backend, dy, [n * oh * ow, f]);
  const patches = matMul(backend, dy2, wT); // [n*oh*ow, kh*kw*c]
  const grid = reshape(backend, patches, [n, oh, ow, kh, kw, c]);
  const placed = transpose(backend, grid, [0, 1, 3, 2, 4, 5]); // [n, oh, kh, ow, kw, c]
  const image = reshape(backend, placed, [n, oh * kh, ow * kw, c]);
  release(backend, w2, wT, dy2, patches, grid, placed);
  const extraRows = (inputShape[1] as number) - oh * kh;
  const extraColumns = (inputShape[2] as number) - ow * kw;
  if (extraRows === 0 && extraColumns === 0) return image;
  const padded = padSpatial(backend, image, 0, extraRows, 0, extraColumns);
  release(backend, image);
  return padded;
}

function stride1InputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  const rotated = run('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const swapped = transpose(backend, rotated, [0, 1, 3, 2]); // [kh, kw, F, C]
  const padded = padSpatial(backend, dy, top, bottom, left, right);
  const dx = run('Conv2D', backend, { x: padded, filter: swapped }, {
    strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined,
  });
  release(backend, rotated, swapped, padded);
  return dx;
}

function conv2dBackpropInput(original: KernelConfig, args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const convAttrs = attrs as unknown as ConvAttributes & { inputShape: number[] };
  const info = convGeometry(convAttrs.inputShape, filter.shape, convAttrs, false);
  if (isPatchify(info)) return patchifyInputGradient(backend, dy, filter, convAttrs.inputShape);
  if (info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
    // Full correlation of dy with the rotated filter: pad k-1-p before; after, whatever makes the valid
    // convolution return the input's height/width: OH + top + bottom - kh + 1 = H.
    const p = info.padInfo;
    const top = info.filterHeight - 1 - p.top;
    const left = info.filterWidth - 1 - p.left;
    const bottomRows = info.inHeight - info.outHeight + info.filterHeight - 1 - top;
    const rightColumns = info.inWidth - info.outWidth + info.filterWidth - 1 - left;
    if (top >= 0 && left >= 0 && bottomRows >= 0 && rightColumns >= 0) {
      return stride1InputGradient(backend, dy, filter, top, bottomRows, left, rightColumns);
    }
  }
  return original.kernelFunc(args as never) as TensorInfo;
}

/** Conv2DBackpropInput with the patch and stride-1 cases on fast kernels. */
export const conv2dBackpropInputPatch: WasmKernelPatch = {
  kernelName: 'Conv2DBackpropInput',
  kind: 'replace',
  reason: 'naive loop in wasm; kernel = stride as one MatMul + reshape, stride 1 as a Conv2D with the rotated filter',
  create: (original) => {
    if (original === undefined) throw new Error('Conv2DBackpropInput: wasm kernel missing');
    return (args) => conv2dBackpropInput(original, args as unknown as WasmKernelArgs);
  },
};
