// Resolves a recipe's `runtime.engine` (auto, tfjs or onnx) to the engine that trains and scores, when a command
// starts, and says why every other engine was not used. `auto` ranks: TF.js on @tensorflow/tfjs-node-gpu when it
// loads and finds a GPU; else the fastest installed CPU engine; else TF.js on wasm (always installed), else cpu (the
// TF.js backend choice of `selectBackend`). The CPU ranking is static, from the measurements in bench/RESULTS.md and
// issue 14 (2-core machine, same threads): onnxruntime-node trains 3-5x and scores 4-7x faster than TF.js
// wasm. @tensorflow/tfjs-node was not installed on any measured machine; it runs the same TF.js kernels as the
// GPU build on the CPU and is ranked below onnxruntime, above wasm (its place in `selectBackend`'s order).
import { existsSync, readdirSync } from 'node:fs';
import type { BackendName, EngineName } from '@vadc/dsl';
import type { EngineChoice, EngineSkipped } from '../engine/engine.ts';
import { loadOnnxRuntime } from '../onnx/onnxruntime.ts';
import { nativePackages, startNative } from '../backend/native-backends.ts';

/** How to probe this machine (tests replace the probes; the defaults look at the real machine). */
export interface EngineProbes {
  /** Why onnxruntime-node cannot run here, or null when it loads. */
  onnx?: () => Promise<string | null>;
  /** Why TF.js on a GPU cannot run here, or null when @tensorflow/tfjs-node-gpu loads and finds a GPU. */
  tfjsGpu?: () => Promise<string | null>;
}

/** Why onnxruntime-node does not load here, or null when it does. */
export async function onnxRuntimeProblem(): Promise<string | null> {
  try {
    await loadOnnxRuntime();
    return null;
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause?.code === 'ERR_MODULE_NOT_FOUND' || cause?.code === 'MODULE_NOT_FOUND') return 'onnxruntime-node is not installed';
    return `onnxruntime-node failed to load: ${String(cause?.message ?? (error instanceof Error ? error.message : error)).split('\n')[0]}`;
  }
}

/** Whether this machine shows an NVIDIA GPU to the driver (Linux: /proc/driver/nvidia/gpus lists one folder per GPU). */
function nvidiaGpuPresent(): boolean {
  const folder = '/proc/driver/nvidia/gpus';
  try {
    return existsSync(folder) && readdirSync(folder).length > 0;
  } catch {
    return false;
  }
}

/** Why TF.js on a GPU cannot run here, or null when @tensorflow/tfjs-node-gpu loads and a GPU is present. */
export async function tfjsGpuProblem(): Promise<string | null> {
  const packageName = nativePackages['tensorflow-gpu'];
  try {
    import.meta.resolve(packageName);
  } catch {
    return `${packageName} is not installed`;
  }
  if (!nvidiaGpuPresent()) return `${packageName} is installed, but no NVIDIA GPU was found (/proc/driver/nvidia/gpus is empty)`;
  const problem = await startNative('tensorflow-gpu');
  return problem === null ? null : `${packageName}: ${problem}`;
}

/**
 * The engine for `requested` on this machine. A named engine (tfjs, onnx) is kept as it is: whether it can run is
 * the caller's check. `auto` walks the ranking and records why each route above the chosen one was passed over.
 * `backend` is the TF.js backend asked for: the GPU route is only considered under `auto` or `tensorflow-gpu`.
 */
export async function chooseEngine(requested: EngineName, source: EngineChoice['source'], backend: BackendName, probes: EngineProbes = {}): Promise<EngineChoice> {
  if (requested !== 'auto') {
    return { requested, source, engine: requested, reason: source === '--engine' ? `--engine ${requested}` : `the recipe sets runtime.engine: ${requested}`, skipped: [] };
  }
  const skipped: EngineSkipped[] = [];
  const gpuProblem = backend === 'auto' || backend === 'tensorflow-gpu'
    ? await (probes.tfjsGpu ?? tfjsGpuProblem)()
    : `runtime.backend is ${backend}, not auto or tensorflow-gpu`;
  if (gpuProblem === null) {
    skipped.push({ route: 'onnx', reason: 'a GPU is present: TF.js on the GPU is ranked first (onnxruntime-node runs on the CPU here)' });
    return { requested, source, engine: 'tfjs', reason: 'auto: TF.js on the GPU (@tensorflow/tfjs-node-gpu)', skipped };
  }
  skipped.push({ route: 'tfjs-gpu', reason: gpuProblem });
  const onnxProblem = await (probes.onnx ?? onnxRuntimeProblem)();
  if (onnxProblem === null) {
    skipped.push({ route: 'tfjs-cpu', reason: 'ranked below onnxruntime-node on the CPU (TF.js wasm 3-7x slower in bench/RESULTS.md)' });
    return { requested, source, engine: 'onnx', reason: 'auto: the fastest installed CPU engine (onnxruntime-node)', skipped };
  }
  skipped.push({ route: 'onnx', reason: onnxProblem });
  return { requested, source, engine: 'tfjs', reason: 'auto: TF.js on the CPU (the TF.js backend is chosen by runtime.backend)', skipped };
}

/** One line for logs: "onnx (auto: the fastest installed CPU engine ...); not used: tfjs-gpu: ..., tfjs-cpu: ...". */
export function describeEngine(choice: EngineChoice): string {
  const skipped = choice.skipped.map((entry) => `${entry.route}: ${entry.reason}`).join('; ');
  return `${choice.engine} (${choice.reason})${skipped.length > 0 ? `; not used: ${skipped}` : ''}`;
}
