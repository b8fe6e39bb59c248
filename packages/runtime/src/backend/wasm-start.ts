// Starts TF.js's wasm backend in Node from the installed package's own files (nothing is fetched), with the
// threaded SIMD binary when more than one thread is asked for.
//
// Stock 4.22 never uses threads in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false there) and forcing it
// fails because Emscripten starts its workers from a `blob:` URL. What works (docs/tfjs-notes.md, "Threads in Node"):
// write the worker script the package embeds to a real file, start the threaded module's factory with
// `locateFile` pointing at it and `mainScriptUrlOrBlob` at the module's own .js, and register a `BackendWasm`
// built on that module under the name 'wasm'. The C++ side sizes its pool as min(requested, 8,
// os.cpus().length / 2) (it assumes two hardware threads per core), with the CPU count read while the module
// instantiates, so `os.cpus()` reports 2 * threads for that moment.
import { createRequire } from 'node:module';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmBinary } from './types.ts';

const require = createRequire(import.meta.url);
const WASM_PRIORITY = 2;
const START_TIMEOUT_MS = 30_000;

/** What started. */
export interface WasmStart {
  binary: WasmBinary;
  simd: boolean;
  threads: number;
  threadsNote: string | null;
}

interface NodeWorker {
  unref?(): void;
}

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread?: { terminateAllThreads(): void; unusedWorkers: NodeWorker[]; runningWorkers: NodeWorker[] };
  tfjs?: unknown;
}

/**
 * Lets the process exit while the pthread pool's workers are alive: Emscripten keeps them referenced, so a Node
 * process that used the threaded backend would otherwise never end on its own.
 */
function unrefWorkers(module: EmscriptenModule): void {
  const pool = module.PThread;
  if (pool === undefined) return;
  for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers]) worker.unref?.();
}

type ModuleFactory = (config: { locateFile(path: string, prefix: string): string; mainScriptUrlOrBlob?: string }) => Promise<EmscriptenModule>;

// The configuration of the backend registered as 'wasm' by this module, so a second identical request is a no-op.
let current: { requestedThreads: number; start: WasmStart } | null = null;

/** The installed @tensorflow/tfjs-backend-wasm folder (its wasm-out/ and dist/ hold the .js glue and .wasm files). */
export function wasmPackageFolder(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${milliseconds / 1000} s`)), milliseconds);
    timer.unref();
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(String(error))); },
    );
  });
}

/** Writes the embedded pthread worker script to a real file once per package version and returns its path. */
function workerScriptFile(folder: string): string {
  const file = join(tmpdir(), `vadc-tfjs-wasm-${version_wasm}-threaded-simd.worker.cjs`);
  if (existsSync(file)) return file;
  const { wasmWorkerContents } = require(join(folder, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The embedded source holds real newlines where its string literals need the two characters "\n" (TF.js does
  // the same replacement before making its blob).
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, wasmWorkerContents.replace(/\n/g, '\\n'));
  renameSync(temporary, file);
  return file;
}

async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
  const folder = wasmPackageFolder();
  const mainScript = join(folder, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const workerFile = workerScriptFile(folder);
  const factory = require(mainScript) as ModuleFactory;
  const os = require('node:os') as { cpus: () => unknown[] };
  const realCpus = os.cpus;
  const cpus = realCpus();
  const cpu = cpus[0] ?? { model: 'unknown', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpu);
  try {
    return await withTimeout(factory({
      locateFile: (path) => {
        if (path.endsWith('.worker.js')) return workerFile;
        if (path.endsWith('.wasm')) return join(folder, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
        return join(folder, 'wasm-out', path);
      },
      mainScriptUrlOrBlob: mainScript,
    }), START_TIMEOUT_MS, 'the threaded wasm module');
  } finally {
    os.cpus = realCpus;
  }
}

async function startSingleModule(simd: boolean): Promise<EmscriptenModule> {
  const folder = wasmPackageFolder();
  const factory = require(join(folder, 'wasm-out', 'tfjs-backend-wasm.js')) as ModuleFactory;
  const binary = simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  return withTimeout(factory({
    locateFile: (path) => (path.endsWith('.wasm') ? join(folder, 'dist', binary) : join(folder, 'wasm-out', path)),
  }), START_TIMEOUT_MS, 'the wasm module');
}

/** The JS <-> wasm bridge BackendWasm expects on its module (as the package's own init() builds it). */
function attachBridge(module: EmscriptenModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/**
 * Registers and activates a wasm backend with `threads` threads (threaded SIMD binary when threads > 1 and it
 * starts, else the SIMD binary, else the plain one). Calling again with the same count only re-activates it;
 * another count replaces the backend (tensors held on the old one are lost).
 */
export async function startWasm(threads: number): Promise<WasmStart> {
  if (current !== null && current.requestedThreads === threads && tf.findBackend('wasm') !== null) {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to activate');
    return current.start;
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let module: EmscriptenModule | null = null;
  let binary: WasmBinary = simd ? 'simd' : 'plain';
  let threadsNote: string | null = threads > 1 ? null : 'one thread requested';
  if (threads > 1 && !simd) threadsNote = 'the threaded binary needs SIMD, which this runtime lacks';
  if (threads > 1 && simd) {
    try {
      module = await startThreadedModule(threads);
      binary = 'threaded-simd';
    } catch (error) {
      threadsNote = `threaded binary failed to start: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  module ??= await startSingleModule(simd);
  attachBridge(module);
  const started = module;
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm');
  setThreadsCount(binary === 'threaded-simd' ? threads : 1);
  tf.registerBackend('wasm', () => new BackendWasm(started as never), WASM_PRIORITY);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  // The pool's threads start during the backend's initialisation above.
  unrefWorkers(started);
  const actual = getThreadsCount();
  if (binary === 'threaded-simd' && actual < threads) threadsNote = `the threaded binary caps its pool at ${actual} (8 at most)`;
  const start: WasmStart = { binary, simd, threads: actual, threadsNote };
  current = { requestedThreads: threads, start };
  return start;
}
