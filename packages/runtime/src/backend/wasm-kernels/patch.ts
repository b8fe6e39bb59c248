// The shape of one wasm kernel patch: each file in this folder exports one, and index.ts lists them all.
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

/** A kernel this runtime adds to wasm (`missing`) or replaces there (`replace`), and why. */
export interface WasmKernelPatch {
  kernelName: string;
  kind: 'missing' | 'replace';
  /** One line: what was wrong (missing, wrong output, slow) and the route taken. */
  reason: string;
  /** Builds the kernel; `original` is wasm's own kernel when it has one, for the cases the patch delegates. */
  create(original: KernelConfig | undefined): KernelFunc;
}
