// The one explicit list of wasm kernel patches, and their registration. Patches are registered on the kernel
// registry under the backend name 'wasm', so they survive the backend being re-created (e.g. with another thread
// count); registering twice is a no-op.
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulPatch } from './batch-mat-mul.ts';
import { conv2dBackpropFilterPatch } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputPatch } from './conv2d-backprop-input.ts';
import { depthwiseBackpropFilterPatch } from './depthwise-backprop-filter.ts';
import { depthwiseBackpropInputPatch } from './depthwise-backprop-input.ts';
import { gatherV2Patch } from './gather-v2.ts';
import { maxPoolGradPatch } from './max-pool-grad.ts';
import type { WasmKernelPatch } from './patch.ts';
import { slicePatch } from './slice.ts';
import { splitVPatch } from './split-v.ts';
import { stridedSlicePatch } from './strided-slice.ts';
import { unpackPatch } from './unpack.ts';
import { unsortedSegmentSumPatch } from './unsorted-segment-sum.ts';

export type { WasmKernelPatch } from './patch.ts';

/** Every wasm kernel this runtime adds or replaces, in registration order. */
export const wasmKernelPatches: readonly WasmKernelPatch[] = [
  // Missing gradient kernels.
  conv2dBackpropFilterPatch,
  depthwiseBackpropInputPatch,
  depthwiseBackpropFilterPatch,
  unsortedSegmentSumPatch,
  // Wrong output.
  gatherV2Patch,
  maxPoolGradPatch,
  // Slow kernels.
  batchMatMulPatch,
  conv2dBackpropInputPatch,
  slicePatch,
  splitVPatch,
  unpackPatch,
  stridedSlicePatch,
];

// Marks the kernelFuncs we registered, to recognise them on a second call. A global symbol, because the kernel
// registry is global and outlives module instances (a test runner may evaluate this module more than once).
const patchMark = Symbol.for('vadc.wasm-kernel-patch');

function isOurs(kernelFunc: KernelFunc): boolean {
  return (kernelFunc as KernelFunc & { [patchMark]?: true })[patchMark] === true;
}

/** Registers every patch for the 'wasm' backend (idempotent). Returns the patched kernel names. */
export function registerWasmKernels(): string[] {
  for (const patch of wasmKernelPatches) {
    const existing = getKernel(patch.kernelName, 'wasm');
    if (existing !== undefined && isOurs(existing.kernelFunc)) continue;
    const kernelFunc = patch.create(existing);
    Object.defineProperty(kernelFunc, patchMark, { value: true });
    if (existing !== undefined) unregisterKernel(patch.kernelName, 'wasm');
    registerKernel({
      kernelName: patch.kernelName,
      backendName: 'wasm',
      kernelFunc,
      // wasm kernels bind their C functions in setupFunc; the delegating patches still need that binding.
      ...(existing?.setupFunc !== undefined ? { setupFunc: existing.setupFunc } : {}),
    });
  }
  return wasmKernelPatches.map((patch) => patch.kernelName);
}
