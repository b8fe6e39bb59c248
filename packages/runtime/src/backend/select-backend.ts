// Chooses and activates the TF.js backend a run uses, and says why the others were not used. `auto` tries, in
// order: tfjs-node-gpu, tfjs-node (both optional packages), wasm (always installed), cpu. An explicit request for
// a backend that cannot run is an error (BackendError BACKEND_UNAVAILABLE), never a silent fallback.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './tfjs-setup.ts';
import type { BackendName } from '@vadc/dsl';
import { nativePackages, startNative } from './native-backends.ts';
import { BackendError } from './types.ts';
import type { BackendOptions, BackendReport, BackendSkipped, ConcreteBackend } from './types.ts';
import { registerWasmKernels } from './wasm-kernels/index.ts';
import { startWasm } from './wasm-start.ts';

const autoOrder: readonly ConcreteBackend[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The thread count a Plan's `runtime.threads` means on this machine ('auto' = all cores). */
export function resolveThreads(threads: number | 'auto'): number {
  if (threads === 'auto') return Math.max(1, availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError('BACKEND_BAD_THREADS', 'wasm', `threads must be a whole number >= 1 or 'auto', got ${threads}`);
  }
  return threads;
}

type Attempt = { ok: true; report: Omit<BackendReport, 'requested' | 'skipped'> } | { ok: false; reason: string };

async function attempt(backend: ConcreteBackend, threads: number): Promise<Attempt> {
  if (backend === 'tensorflow-gpu' || backend === 'tensorflow') {
    const reason = await startNative(backend);
    if (reason !== null) return { ok: false, reason };
    return { ok: true, report: { backend, tfjsName: tf.getBackend(), threads: availableParallelism(), wasm: null } };
  }
  if (backend === 'wasm') {
    try {
      const patchedKernels = registerWasmKernels();
      const start = await startWasm(threads);
      return {
        ok: true,
        report: {
          backend,
          tfjsName: tf.getBackend(),
          threads: start.threads,
          wasm: { binary: start.binary, simd: start.simd, threaded: start.binary === 'threaded-simd', threadsNote: start.threadsNote, patchedKernels },
        },
      };
    } catch (error) {
      return { ok: false, reason: `failed to start: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend failed to initialise' };
  return { ok: true, report: { backend, tfjsName: tf.getBackend(), threads: 1, wasm: null } };
}

/**
 * Activates the requested backend (or, for 'auto', the first that runs) and reports what runs and why the others
 * were not used. Idempotent: calling again with the same request re-activates the same backend. Rejects with a
 * BackendError: BACKEND_UNAVAILABLE when nothing requested can run, BACKEND_BAD_THREADS for a bad thread count.
 */
export async function selectBackend(requested: BackendName, options: BackendOptions): Promise<BackendReport> {
  const threads = resolveThreads(options.threads);
  const order = requested === 'auto' ? autoOrder : [requested];
  const skipped: BackendSkipped[] = [];
  for (const backend of order) {
    const result = await attempt(backend, threads);
    if (result.ok) return { requested, ...result.report, skipped };
    const packageName = backend === 'tensorflow-gpu' || backend === 'tensorflow' ? nativePackages[backend] : null;
    skipped.push({ backend, package: packageName, reason: result.reason });
  }
  const reasons = skipped.map((s) => `${s.package ?? s.backend}: ${s.reason}`).join('; ');
  throw new BackendError('BACKEND_UNAVAILABLE', requested, `backend '${requested}' is not available (${reasons})`, skipped);
}

/** One line for logs: "wasm (threaded-simd, 2 threads); skipped @tensorflow/tfjs-node-gpu: not installed, ...". */
export function describeBackend(report: BackendReport): string {
  const detail = report.wasm !== null
    ? `${report.wasm.binary}, ${report.threads} thread${report.threads === 1 ? '' : 's'}${report.wasm.threadsNote !== null ? `; ${report.wasm.threadsNote}` : ''}`
    : `${report.threads} thread${report.threads === 1 ? '' : 's'}`;
  const skipped = report.skipped.map((s) => `${s.package ?? s.backend}: ${s.reason}`).join(', ');
  return `${report.backend} (${detail})${skipped.length > 0 ? `; skipped ${skipped}` : ''}`;
}
