// SplitV through the heap-view slice: wasm's own SplitV slices with a whole-input copy per output.
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sliceOnHeap } from './slice.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

/** SplitV: each output copies only its own part. */
export const splitVPatch: WasmKernelPatch = {
  kernelName: 'SplitV',
  kind: 'replace',
  reason: 'wasm copies the whole input once per output; slice each part from a heap view',
  create: () => (args) => {
    const { inputs, backend, attrs } = args as unknown as WasmKernelArgs;
    const x = inputs.x as TensorInfo;
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0] as number;
    const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((part) => {
      const size = [...x.shape];
      size[axis] = part;
      const out = sliceOnHeap(backend, x, [...begin], size);
      begin[axis] = (begin[axis] as number) + part;
      return out;
    });
  },
};
