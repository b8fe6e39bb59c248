// DepthwiseConv2dNativeBackpropInput, which wasm lacks. Filter [kh, kw, C, m], dy [N, OH, OW, C*m].
// - stride 1, no dilation, m = 1: dx = depthwise conv of the padded dy with the filter rotated 180 degrees;
// - otherwise: each tap's contribution dy * W[i, j] (summed over m) is scatter-added at rows i*d + oh*s - pad and
//   columns j*d + ow*s - pad, straight on the heap (composing it from wasm kernels took ~10 pads and slices per tap).
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, padSpatial } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { heapView, release, run } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

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

/**
 * dx[n, h, w, c] = sum over taps (i, j) and q < m of dy[n, oh, ow, c*m + q] * W[i, j, c, q], where
 * h = oh*sh + i*dh - padTop (w likewise): a scatter-add straight on the heap, one pixel's channels at a time.
 */
function scatteredInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const multiplier = filter.shape[3] as number;
  const out = backend.makeOutput([batchSize, inHeight, inWidth, channels], 'float32');
  const dx = heapView(backend, out);
  dx.fill(0);
  const gradient = heapView(backend, dy);
  const weights = heapView(backend, filter);
  const outChannels = channels * multiplier;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      const tapWeights = (i * filterWidth + j) * outChannels;
      for (let n = 0; n < batchSize; n++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const h = oh * info.strideHeight + i * info.dilationHeight - info.padInfo.top;
          if (h < 0 || h >= inHeight) continue;
          for (let ow = 0; ow < outWidth; ow++) {
            const w = ow * info.strideWidth + j * info.dilationWidth - info.padInfo.left;
            if (w < 0 || w >= inWidth) continue;
            const to = ((n * inHeight + h) * inWidth + w) * channels;
            const from = ((n * outHeight + oh) * outWidth + ow) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < channels; c++) dx[to + c] = (dx[to + c] as number) + (gradient[from + c] as number) * (weights[tapWeights + c] as number);
            } else {
              for (let k = 0; k < outChannels; k++) {
                const c = to + Math.floor(k / multiplier);
                dx[c] = (dx[c] as number) + (gradient[from + k] as number) * (weights[tapWeights + k] as number);
              }
            }
          }
        }
      }
    }
  }
  return out;
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
    return simple ?? scatteredInputGradient(backend, dy, filter, info);
  },
};
