// Helpers for wasm kernels written as compositions of other wasm kernels. They call the registered kernelFuncs
// directly with TensorInfos (the way TF.js backends compose kernels internally): nothing goes through the engine,
// so nothing is recorded on a gradient tape and no Tensor wrappers are created, and no refcount juggling is needed
// beyond disposing the intermediates (`release`).
import { getKernel, util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** What a kernelFunc receives, typed for the wasm backend. */
export interface WasmKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: NamedAttrMap;
}

/** Runs the kernel currently registered for wasm under `name` (a patched one if we patched it). One output. */
export function run(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
  const result = runMany(name, backend, inputs, attrs);
  if (result.length !== 1) throw new Error(`kernel ${name} returned ${result.length} outputs, expected 1`);
  return result[0] as TensorInfo;
}

/** Runs a kernel that may return several outputs. */
export function runMany(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo[] {
  const config = getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`no wasm kernel ${name}`);
  const result = config.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap });
  return Array.isArray(result) ? result : [result];
}

/** Frees intermediate results (their refcount drops; shared data survives while others hold it). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A reshape that shares data: the result must be released like any other intermediate. */
export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return run('Reshape', backend, { x }, { shape });
}

/** Transpose with a permutation. */
export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return run('Transpose', backend, { x }, { perm });
}

/** a [m, k] x b [k, n] (rank 2 or rank 3 with batch 1): the fast XNNPACK path of wasm's BatchMatMul. */
export function matMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return run('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}

/** A new float32 tensor holding `values`. */
export function fromValues(backend: BackendWasm, shape: number[], values: Float32Array | Int32Array): TensorInfo {
  const dtype = values instanceof Int32Array ? 'int32' : 'float32';
  util.assert(values.length === util.sizeFromShape(shape), () => `values do not fill shape ${shape}`);
  return backend.makeOutput(shape, dtype, undefined, values);
}

/** A zero-copy view of a tensor's data on the wasm heap (valid until the next allocation may grow the heap). */
export function heapView(backend: BackendWasm, x: TensorInfo): Float32Array | Int32Array | Uint8Array {
  return backend.typedArrayFromHeap(x) as Float32Array | Int32Array | Uint8Array;
}

/** Concatenation along `axis` (wasm's Concat takes its inputs as an array). */
export function concat(backend: BackendWasm, infos: TensorInfo[], axis: number): TensorInfo {
  return run('Concat', backend, infos as unknown as NamedTensorInfoMap, { axis });
}
