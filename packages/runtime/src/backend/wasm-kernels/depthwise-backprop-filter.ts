// DepthwiseConv2dNativeBackpropFilter, which wasm lacks. dW[i, j, c, q] = sum over n, oh, ow of
// x[n, oh*s + i*d - padTop, ow*s + j*d - padLeft, c] * dy[n, oh, ow, c*m + q] (zero outside the input): one pass
// over dy straight on the heap, accumulating all k*k taps at once in float64. Composing it from wasm kernels (a tap
// copy, a Multiply and a ones x product MatMul per tap) ran at ~0.05-0.1 GFLOP/s: each MatMul packed the whole
// [rows, C*m] product as XNNPACK weights.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry } from './conv-geometry.ts';
import type { ConvAttributes } from './conv-geometry.ts';
import { heapView } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** DepthwiseConv2dNativeBackpropFilter for wasm. */
export const depthwiseBackpropFilterPatch: WasmKernelPatch = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  kind: 'missing',
  reason: 'missing in wasm; one pass over dy on the heap, all taps accumulated at once',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const xInfo = inputs.x as TensorInfo;
    const dyInfo = inputs.dy as TensorInfo;
    const convAttrs = attrs as unknown as ConvAttributes & { filterShape: number[] };
    const [kh, kw, channels, multiplier] = convAttrs.filterShape as [number, number, number, number];
    const info = convGeometry(xInfo.shape, convAttrs.filterShape, convAttrs, true);
    const [batch, height, width] = xInfo.shape as [number, number, number, number];
    const { outHeight, outWidth } = info;
    const outChannels = channels * multiplier;
    const sums = new Float64Array(kh * kw * outChannels);
    const x = heapView(backend, xInfo);
    const dy = heapView(backend, dyInfo);
    for (let n = 0; n < batch; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const from = ((n * outHeight + oh) * outWidth + ow) * outChannels;
          for (let i = 0; i < kh; i++) {
            const h = oh * info.strideHeight + i * info.dilationHeight - info.padInfo.top;
            if (h < 0 || h >= height) continue;
            for (let j = 0; j < kw; j++) {
              const w = ow * info.strideWidth + j * info.dilationWidth - info.padInfo.left;
              if (w < 0 || w >= width) continue;
              const input = ((n * height + h) * width + w) * channels;
              const tap = (i * kw + j) * outChannels;
              if (multiplier === 1) {
                for (let c = 0; c < channels; c++) sums[tap + c] = (sums[tap + c] as number) + (x[input + c] as number) * (dy[from + c] as number);
              } else {
                for (let k = 0; k < outChannels; k++) sums[tap + k] = (sums[tap + k] as number) + (x[input + Math.floor(k / multiplier)] as number) * (dy[from + k] as number);
              }
            }
          }
        }
      }
    }
    // makeOutput may grow the heap, which detaches the views above: they are not used after this.
    return backend.makeOutput(convAttrs.filterShape, 'float32', undefined, Float32Array.from(sums));
  },
};
