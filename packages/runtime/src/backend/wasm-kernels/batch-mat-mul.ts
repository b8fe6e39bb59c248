// BatchMatMul on the fast path only. wasm's kernel is fast (XNNPACK) for one [m, k] x [k, n] product without
// transposes, and about 10-20x slower with a transpose flag or a batch > 1 (docs/tfjs-notes.md; re-measured in
// bench/RESULTS.md). Every training matMul has one of those: linear layers on [B, N, D] inputs (batch > 1),
// attention (batch = B * heads) and every matMul gradient (transposeA or transposeB). So:
// - transposes are materialised with the Transpose kernel first;
// - a batch shared by a single right-hand matrix is folded into rows: [B, m, k] x [k, n] = ([B * m, k] x [k, n]);
// - a real batch runs one fast product per batch entry on zero-copy views: tensor ids registered by us over
//   slices of the inputs' and output's heap memory, unregistered right after (the memory stays owned by the
//   tensors; unregistering also frees the XNNPACK operator wasm caches per right-hand id).
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, reshape, transpose } from './kernel-calls.ts';
import type { WasmKernelArgs } from './kernel-calls.ts';
import type { WasmKernelPatch } from './patch.ts';

type WasmBatchMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean, outId: number,
) => void;

interface WasmModuleBridge {
  cwrap(name: string, returnType: null, argTypes: string[]): WasmBatchMatMul;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

// View ids live far above the ids BackendWasm hands out (it counts up from 1), so they never collide.
let nextViewId = 2 ** 30;
const bridges = new WeakMap<object, WasmBatchMatMul>();

function wasmBatchMatMul(backend: BackendWasm): WasmBatchMatMul {
  let bridge = bridges.get(backend.wasm);
  if (bridge === undefined) {
    const module = backend.wasm as unknown as WasmModuleBridge;
    bridge = module.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    bridges.set(backend.wasm, bridge);
  }
  return bridge;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** Registers `size` float32 elements of `info`'s memory, from element `offset`, under a fresh tensor id. */
function view(backend: BackendWasm, info: TensorInfo, offset: number, size: number): number {
  const id = nextViewId++;
  const base = backend.dataIdMap.get(info.dataId)?.memoryOffset;
  if (base === undefined) throw new Error('BatchMatMul: input is not on the wasm heap');
  (backend.wasm as unknown as WasmModuleBridge).tfjs.registerTensor(id, size, base + offset * 4);
  return id;
}

/** out[i] = a[i or 0] x b[i or 0] for a [batchA, m, k], b [batchB, k, n] (batchA, batchB in {1, batch}). */
function batchedOnViews(backend: BackendWasm, a: TensorInfo, b: TensorInfo, batch: number): TensorInfo {
  const [batchA, m, k] = a.shape as [number, number, number];
  const [batchB, , n] = b.shape as [number, number, number];
  const out = backend.makeOutput([batch, m, n], 'float32');
  const call = wasmBatchMatMul(backend);
  const tfjs = (backend.wasm as unknown as WasmModuleBridge).tfjs;
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  for (let i = 0; i < batch; i++) {
    const aId = view(backend, a, batchA === 1 ? 0 : i * m * k, m * k);
    const bId = view(backend, b, batchB === 1 ? 0 : i * k * n, k * n);
    const outId = view(backend, out, i * m * n, m * n);
    call(aId, aShape, 3, bId, bShape, 3, false, false, outId);
    tfjs.disposeData(aId);
    tfjs.disposeData(bId);
    tfjs.disposeData(outId);
  }
  return out;
}

function fastBatchMatMul(original: KernelConfig, args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  const m = a.shape[transposeA ? aRank - 1 : aRank - 2] as number;
  const k = a.shape[transposeA ? aRank - 2 : aRank - 1] as number;
  const n = b.shape[transposeB ? bRank - 2 : bRank - 1] as number;
  const kB = b.shape[transposeB ? bRank - 1 : bRank - 2] as number;
  util.assert(k === kB, () => `matMul: inner dimensions ${k} and ${kB} differ (shapes ${a.shape}, ${b.shape})`);
  const outShape = [...broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
  const batch = Math.max(batchA, batchB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (batchA !== batchB && batchA !== 1 && batchB !== 1)) {
    return original.kernelFunc(args as never) as TensorInfo;
  }
  // [batch, m, k] and [batch, k, n] without transposes.
  const a3 = reshape(backend, a, transposeA ? [batchA, k, m] : [batchA, m, k]);
  const b3 = reshape(backend, b, transposeB ? [batchB, n, k] : [batchB, k, n]);
  const aPlain = transposeA ? transpose(backend, a3, [0, 2, 1]) : a3;
  const bPlain = transposeB ? transpose(backend, b3, [0, 2, 1]) : b3;
  let result: TensorInfo;
  if (batchB === 1) {
    // One right-hand matrix: fold the batch into rows (also the plain batch = 1 case).
    const rows = reshape(backend, aPlain, [1, batchA * m, k]);
    const product = original.kernelFunc({ inputs: { a: rows, b: bPlain }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    result = reshape(backend, product, outShape);
    release(backend, rows, product);
  } else {
    const product = batchedOnViews(backend, aPlain, bPlain, batch);
    result = reshape(backend, product, outShape);
    release(backend, product);
  }
  release(backend, a3, b3);
  if (aPlain !== a3) release(backend, aPlain);
  if (bPlain !== b3) release(backend, bPlain);
  return result;
}

/** BatchMatMul routed to wasm's fast single-matrix path. */
export const batchMatMulPatch: WasmKernelPatch = {
  kernelName: 'BatchMatMul',
  kind: 'replace',
  reason: 'transposes and batch > 1 run about 10-20x slower; transpose explicitly, fold shared weights, one fast product per batch entry',
  create: (original) => {
    if (original === undefined) throw new Error('BatchMatMul: wasm kernel missing');
    return (args) => fastBatchMatMul(original, args as unknown as WasmKernelArgs);
  },
};
