import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, resolveThreads, selectBackend } from './select-backend.ts';
import { BackendError } from './types.ts';
import { parityError, randomTensor } from './parity-helpers.ts';

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
  throw new Error('expected a BackendError');
}

describe('selectBackend', () => {
  it('auto skips the native packages that are not installed and runs threaded wasm with the threads asked for', async () => {
    const report = await selectBackend('auto', { threads: 2 });
    expect(report.requested).toBe('auto');
    expect(report.backend).toBe('wasm');
    expect(report.tfjsName).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.skipped).toEqual([
      { backend: 'tensorflow-gpu', package: '@tensorflow/tfjs-node-gpu', reason: 'not installed' },
      { backend: 'tensorflow', package: '@tensorflow/tfjs-node', reason: 'not installed' },
    ]);
    expect(report.wasm).toMatchObject({ binary: 'threaded-simd', simd: true, threaded: true, threadsNote: null });
    expect(report.threads).toBe(2);
    expect(report.wasm?.patchedKernels).toContain('Conv2DBackpropFilter');
    expect(describeBackend(report)).toBe('wasm (threaded-simd, 2 threads); skipped @tensorflow/tfjs-node-gpu: not installed, @tensorflow/tfjs-node: not installed');
  });

  it('computes correctly on the threaded binary (matMul, conv2d and their gradients against cpu)', async () => {
    const error = await parityError(() => {
      const a = randomTensor([64, 48], 1);
      const w = randomTensor([4, 4, 3, 8], 2);
      const x = randomTensor([2, 16, 16, 3], 3);
      const [da, dw] = tf.grads((aa: tf.Tensor, ww: tf.Tensor) => tf.add(tf.sum(tf.square(tf.matMul(aa, aa, false, true))), tf.sum(tf.conv2d(x as tf.Tensor4D, ww as tf.Tensor4D, 4, 'valid'))))([a, w]);
      return [tf.matMul(a, a, true, false), da as tf.Tensor, dw as tf.Tensor];
    });
    expect(error).toBeLessThan(1e-5);
  });

  it('is idempotent: the same request again keeps the same backend instance', async () => {
    const first = tf.backend();
    const report = await selectBackend('wasm', { threads: 2 });
    expect(report.threads).toBe(2);
    expect(tf.backend()).toBe(first);
  });

  it('switches to the SIMD binary for one thread, and to cpu and back', async () => {
    const single = await selectBackend('wasm', { threads: 1 });
    expect(single.wasm).toMatchObject({ binary: 'simd', threaded: false, threadsNote: 'one thread requested' });
    expect(single.threads).toBe(1);
    const cpu = await selectBackend('cpu', { threads: 'auto' });
    expect(cpu).toEqual({ requested: 'cpu', backend: 'cpu', tfjsName: 'cpu', threads: 1, wasm: null, skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm', { threads: 1 })).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an explicit request for a backend that is not installed with BACKEND_UNAVAILABLE and the reason', async () => {
    const error = await rejection(selectBackend('tensorflow-gpu', { threads: 1 }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.backend).toBe('tensorflow-gpu');
    expect(error.skipped).toEqual([{ backend: 'tensorflow-gpu', package: '@tensorflow/tfjs-node-gpu', reason: 'not installed' }]);
    expect(error.message).toContain('@tensorflow/tfjs-node-gpu: not installed');
    expect((await rejection(selectBackend('tensorflow', { threads: 1 }))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('rejects a thread count that is not a whole number >= 1 with BACKEND_BAD_THREADS', async () => {
    expect((await rejection(selectBackend('wasm', { threads: 0 }))).code).toBe('BACKEND_BAD_THREADS');
    expect((await rejection(selectBackend('wasm', { threads: 1.5 }))).code).toBe('BACKEND_BAD_THREADS');
    expect(resolveThreads('auto')).toBeGreaterThanOrEqual(1);
    expect(resolveThreads(3)).toBe(3);
  });
});
