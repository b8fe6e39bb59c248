// Shared geometry for the convolution gradient kernels: the Conv2DInfo TF.js computes for the forward op, plus
// the padding and tap-slicing steps every formulation needs. Layout is NHWC throughout.
import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, run } from './kernel-calls.ts';

/** The convolution attributes the gradient kernels receive (NHWC only). */
export interface ConvAttributes {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** Conv2DInfo of the forward convolution of an input `inShape` with `filterShape`. */
export function convGeometry(inShape: number[], filterShape: number[], attrs: ConvAttributes, depthwise: boolean): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm convolution gradients: only NHWC is supported');
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/** True when the convolution cuts the input into non-overlapping patches: kernel = stride, no padding, no dilation. */
export function isPatchify(info: backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth
    && info.dilationHeight === 1 && info.dilationWidth === 1
    && p.top === 0 && p.left === 0 && p.bottom === 0 && p.right === 0;
}

/** Pads an NHWC tensor spatially with zeros (negative amounts are not allowed). */
export function padSpatial(backend: BackendWasm, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  return run('PadV2', backend, { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 });
}

/**
 * The input values tap (i, j) of the filter sees for every output position: x[:, i*dh + oh*sh - padTop,
 * j*dw + ow*sw - padLeft, :] for oh < outHeight, ow < outWidth, zero where that falls in the padding.
 * Result [N, outHeight, outWidth, channels], copied on the heap one pixel's channels at a time (no padded copy of
 * x, and none of wasm's slow strided slicing).
 */
export function tapSlice(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, i: number, j: number): TensorInfo {
  const [n, height, width, channels] = x.shape as [number, number, number, number];
  const { outHeight, outWidth } = info;
  const out = backend.makeOutput([n, outHeight, outWidth, channels], 'float32');
  const target = heapView(backend, out);
  target.fill(0);
  const source = heapView(backend, x);
  const top = i * info.dilationHeight - info.padInfo.top;
  const left = j * info.dilationWidth - info.padInfo.left;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h = top + oh * info.strideHeight;
      if (h < 0 || h >= height) continue;
      for (let ow = 0; ow < outWidth; ow++) {
        const w = left + ow * info.strideWidth;
        if (w < 0 || w >= width) continue;
        const from = ((b * height + h) * width + w) * channels;
        target.set(source.subarray(from, from + channels), ((b * outHeight + oh) * outWidth + ow) * channels);
      }
    }
  }
  return out;
}
