// Loads `onnxruntime-node` (an optional dependency: its CPU build is bundled; the CUDA download is skipped by the
// workspace's .npmrc) through a guarded dynamic import, so the runtime loads and runs without it. Only the few
// members the engine uses are typed here, structurally, so this file compiles whether or not the package is present.
import { OnnxError } from './onnx-error.ts';

/** An onnxruntime tensor (the members used here). */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: unknown;
  dispose?(): void;
}

/** Session options the engine sets (onnxruntime-common's InferenceSession.SessionOptions). */
export interface OrtSessionOptions {
  executionProviders?: string[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  executionMode?: 'sequential' | 'parallel';
  /** Session config entries, e.g. { session: { intra_op: { allow_spinning: '0' } } }. */
  extra?: Record<string, unknown>;
}

/** An onnxruntime inference session (the members used here). */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the graph; `fetches` names the outputs to compute and return (default: all), or gives for each output a
   * tensor of its type and shape that onnxruntime writes into (and returns) instead of allocating a new one.
   */
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[] | Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The parts of the `onnxruntime-node` module the engine uses. */
export interface OnnxRuntime {
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  env: { versions: { common: string } };
}

let loading: Promise<OnnxRuntime> | null = null;

/** `onnxruntime-node`, loaded once; rejects with OnnxError ONNX_RUNTIME_UNAVAILABLE when it is not installed here. */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  loading ??= importOnnxRuntime('onnxruntime-node').catch((error: unknown) => {
    loading = null; // a later call (after an install) tries again
    throw error;
  });
  return loading;
}

/** Imports an onnxruntime module by name (`loadOnnxRuntime` without the cache; tests pass a missing name). */
export async function importOnnxRuntime(specifier: string): Promise<OnnxRuntime> {
  // A variable specifier keeps bundlers and the compiler from requiring the optional package at build time.
  try {
    const imported = (await import(/* @vite-ignore */ specifier)) as Partial<OnnxRuntime> & { default?: Partial<OnnxRuntime> };
    const runtime = imported.InferenceSession !== undefined ? imported : imported.default;
    if (runtime?.InferenceSession === undefined || runtime.Tensor === undefined) throw new Error('the module has no InferenceSession');
    return runtime as OnnxRuntime;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxError('ONNX_RUNTIME_UNAVAILABLE', `${specifier} is not available (${reason}); install it with \`pnpm add onnxruntime-node\` (CPU build, with onnxruntime-node-install=skip in .npmrc)`, { cause: error });
  }
}

/** How the engine's sessions run (see createCpuSession). */
export interface CpuSessionOptions {
  threads: number;
  /** Graph optimisation level (default 'all'). */
  optimization?: OrtSessionOptions['graphOptimizationLevel'];
  /** Let idle pool threads spin-wait for work (default false: costly when other processes share the cores). */
  spinning?: boolean;
}

/**
 * An onnxruntime CPU session on a graph (`what` names it in the error), sequential, `threads` intra-op threads;
 * rejects with OnnxError ONNX_SESSION_FAILED when onnxruntime refuses the graph.
 */
export async function createCpuSession(ort: OnnxRuntime, bytes: Uint8Array, what: string, options: CpuSessionOptions): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: options.optimization ?? 'all',
      extra: { session: { intra_op: { allow_spinning: options.spinning === true ? '1' : '0' } } },
    });
  } catch (error) {
    throw new OnnxError('ONNX_SESSION_FAILED', `onnxruntime rejected ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Whether `onnxruntime-node` loads here (for tests and `vadc bench --engine`). */
export async function onnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOnnxRuntime();
    return true;
  } catch {
    return false;
  }
}
