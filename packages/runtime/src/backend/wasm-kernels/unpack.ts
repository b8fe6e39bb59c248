// Unpack (unstack) through the heap-view slice: wasm's own Unpack copies the whole input once per output.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sliceOnHeap } from './slice.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** Unpack: output i is x[..., i, ...] along `axis`, with that axis dropped. */
export const unpackPatch: WasmKernelPatch = {
  kernelName: 'Unpack',
  kind: 'replace',
  reason: 'wasm copies the whole input once per output; slice each part from a heap view',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const value = inputs.value as TensorInfo;
    const rank = value.shape.length;
    const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank : (attrs.axis as number);
    const outShape = value.shape.filter((_, d) => d !== axis);
    const size = [...value.shape];
    size[axis] = 1;
    const outputs: TensorInfo[] = [];
    for (let i = 0; i < (value.shape[axis] as number); i++) {
      const begin = new Array<number>(rank).fill(0);
      begin[axis] = i;
      const part = sliceOnHeap(backend, value, begin, size);
      // Same data, shape without the unpacked axis (a TensorInfo's shape is only metadata).
      outputs.push({ dataId: part.dataId, dtype: part.dtype, shape: outShape });
    }
    return outputs;
  },
};
