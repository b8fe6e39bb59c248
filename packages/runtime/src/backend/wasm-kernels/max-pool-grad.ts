// MaxPoolGrad: wasm's kernel returns wrong gradients when there is more than one channel or batch entry (measured:
// relative error 0.49 for a 2x2 stride-2 pool of a [2, 6, 6, 3] input). This one routes each output's gradient to
// the first maximum of its window, in window order, as the cpu backend does; NHWC, computed on heap views.
import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapView } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** MaxPoolGrad for wasm. */
export const maxPoolGradPatch: WasmKernelPatch = {
  kernelName: 'MaxPoolGrad',
  kind: 'replace',
  reason: 'wrong gradients with several channels or batch entries; route dy to the first maximum of each window',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const dy = inputs.dy as TensorInfo;
    const input = inputs.input as TensorInfo;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize as [number, number] | number,
      attrs.strides as [number, number] | number,
      1,
      attrs.pad as 'valid' | 'same' | number,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = heapView(backend, out);
    dx.fill(0);
    const x = heapView(backend, input);
    const gradient = heapView(backend, dy);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const top = oh * info.strideHeight - info.padInfo.top;
        for (let ow = 0; ow < outWidth; ow++) {
          const left = ow * info.strideWidth - info.padInfo.left;
          for (let c = 0; c < channels; c++) {
            let best = Number.NEGATIVE_INFINITY;
            let bestIndex = -1;
            for (let h = Math.max(0, top); h < Math.min(inHeight, top + info.filterHeight); h++) {
              for (let w = Math.max(0, left); w < Math.min(inWidth, left + info.filterWidth); w++) {
                const index = ((n * inHeight + h) * inWidth + w) * channels + c;
                const value = x[index] as number;
                if (value > best || Number.isNaN(value)) {
                  best = value;
                  bestIndex = index;
                  if (Number.isNaN(value)) break;
                }
              }
            }
            if (bestIndex >= 0) dx[bestIndex] = (dx[bestIndex] as number) + (gradient[((n * outHeight + oh) * outWidth + ow) * channels + c] as number);
          }
        }
      }
    }
    return out;
  },
};
