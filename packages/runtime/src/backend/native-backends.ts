// The optional native backends: @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node. Neither is a dependency
// (their install downloads libtensorflow, which fails on machines without internet; the GPU build needs CUDA
// 11.2 + cuDNN 8.1), so they are loaded by a dynamic import of a computed specifier: bundlers and the type
// checker leave it alone, and a missing package is a reason in the report, not an error.
import * as tf from '@tensorflow/tfjs-core';

/** The package that provides each native backend. */
export const nativePackages = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

function isNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(packageName);
}

/** Tries to load and activate a native backend; returns null when it runs, else why not. */
export async function startNative(backend: keyof typeof nativePackages): Promise<string | null> {
  const packageName: string = nativePackages[backend];
  try {
    await import(packageName);
  } catch (error) {
    if (isNotFound(error, packageName)) return 'not installed';
    return `failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  if (tf.findBackendFactory('tensorflow') === null) return 'loaded, but no "tensorflow" backend was registered';
  try {
    if (await tf.setBackend('tensorflow')) return null;
    return 'the "tensorflow" backend failed to initialise';
  } catch (error) {
    return `the "tensorflow" backend failed to initialise: ${error instanceof Error ? error.message : String(error)}`;
  }
}
