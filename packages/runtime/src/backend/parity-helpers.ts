// Test helpers (used by the backend tests only): run the same computation on cpu and on wasm and compare.
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random values in [-1, 1) (a small LCG), so both backends see identical inputs. */
export function values(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** A tensor of the given shape filled with `values(…, seed)`. */
export function randomTensor(shape: number[], seed = 1): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** max |a - b| / max |a|: the error relative to the reference tensor's scale (0 when both are all zero). */
export function relativeError(reference: Float32Array | Int32Array | Uint8Array, other: Float32Array | Int32Array | Uint8Array): number {
  if (reference.length !== other.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    scale = Math.max(scale, Math.abs(reference[i] as number));
    const difference = Math.abs((reference[i] as number) - (other[i] as number));
    if (!(difference <= worst)) worst = difference; // NaN propagates as a failure
  }
  return scale === 0 ? worst : worst / scale;
}

/** Runs `compute` on `backend` and returns the values and shapes of its outputs. */
export async function runOn(backend: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<{ data: Array<Float32Array | Int32Array | Uint8Array>; shapes: number[][] }> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(compute);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const data = list.map((t) => t.dataSync() as Float32Array | Int32Array | Uint8Array);
  const shapes = list.map((t) => t.shape);
  tf.dispose(list);
  return { data, shapes };
}

/** The worst relative error between cpu and wasm over all outputs of `compute` (shapes must match too). */
export async function parityError(compute: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const cpu = await runOn('cpu', compute);
  const wasm = await runOn('wasm', compute);
  if (JSON.stringify(cpu.shapes) !== JSON.stringify(wasm.shapes)) return Number.POSITIVE_INFINITY;
  return Math.max(...cpu.data.map((reference, i) => relativeError(reference, wasm.data[i] as Float32Array)));
}

/** f's value and the gradients of sum(f(xs) * r) for a fixed random r, as one list. */
export function valueAndGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]): () => tf.Tensor[] {
  return () => {
    const xs = inputs();
    const output = f(...xs);
    const weights = randomTensor(output.shape, 99);
    const gradients = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), weights)))(xs);
    return [output, ...gradients];
  };
}
