// The vocabulary of backend selection: what a caller asks for, what runs, and why the others did not.
import type { BackendName } from '@vadc/dsl';

/** A backend that can actually run (everything `BackendName` names except 'auto'). */
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** Which of the three binaries the wasm package ships is running. */
export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

/** The wasm backend's state, in the report when wasm runs. */
export interface WasmStatus {
  binary: WasmBinary;
  simd: boolean;
  /** True when the threaded binary started; `threads` then says how many threads its pool has. */
  threaded: boolean;
  /** Why the threaded binary is not running (one thread requested, no SharedArrayBuffer, a start failure), or null. */
  threadsNote: string | null;
  /** Names of the kernels this runtime registers or replaces on wasm (see wasm-kernels/index.ts). */
  patchedKernels: string[];
}

/** A backend that was considered and not used, with the reason (e.g. "not installed"). */
export interface BackendSkipped {
  backend: ConcreteBackend;
  /** The package that was tried, when the backend comes from one. */
  package: string | null;
  reason: string;
}

/** What `selectBackend` chose: the run log and results print it. */
export interface BackendReport {
  requested: BackendName;
  /** The backend that runs. */
  backend: ConcreteBackend;
  /** The name TF.js knows it by (`tf.getBackend()`): 'tensorflow', 'wasm' or 'cpu'. */
  tfjsName: string;
  /** Threads computing kernels (1 for cpu; the pool size for threaded wasm; native backends manage their own). */
  threads: number;
  /** Present when the backend is wasm. */
  wasm: WasmStatus | null;
  /** Backends tried before the one that runs, in order, with the reason each was not used. */
  skipped: BackendSkipped[];
}

/** Codes of the errors `selectBackend` rejects with. */
export type BackendErrorCode = 'BACKEND_UNAVAILABLE' | 'BACKEND_BAD_THREADS';

/** A typed error: the requested backend cannot run here, or the thread count is not usable. */
export class BackendError extends Error {
  readonly code: BackendErrorCode;
  readonly backend: BackendName;
  /** Every backend tried, with why it failed. */
  readonly skipped: BackendSkipped[];

  constructor(code: BackendErrorCode, backend: BackendName, message: string, skipped: BackendSkipped[] = []) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.backend = backend;
    this.skipped = skipped;
  }
}

/** Options of `selectBackend`. */
export interface BackendOptions {
  /** Threads for the wasm backend (from the Plan's `runtime.threads`); 'auto' = all cores. */
  threads: number | 'auto';
}
