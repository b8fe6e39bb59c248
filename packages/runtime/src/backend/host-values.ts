// A tensor's values as a JS array without copying them out of the backend again, when JS wrote them last. The
// onnxruntime trainer feeds each step's weights from JS and hands its gradients back as tensors, and the optimizer
// reads those gradients and writes new weights: with wasm each of those crossings is a copy of the model (3 M values
// for the paper's model) into a freshly allocated array. Remembering which JS array a tensor was made from (keyed by
// its dataId, so a tensor that has since been given other values misses) saves the copies back out.
import type * as tf from '@tensorflow/tfjs-core';

const written = new WeakMap<object, Float32Array>();

/** Records that `tensor` holds exactly `values` (call right after making or assigning it from them). */
export function rememberHostValues(tensor: tf.Tensor, values: Float32Array): void {
  written.set(tensor.dataId, values);
}

/**
 * The values of a float32 tensor: the JS array it was made from when that is still its data, else dataSync().
 * Read-only for the caller either way (the cpu backend's dataSync hands out its own storage).
 */
export function hostValues(tensor: tf.Tensor): Float32Array {
  return written.get(tensor.dataId) ?? (tensor.dataSync() as Float32Array);
}
