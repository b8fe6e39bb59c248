// Timing and memory helpers of `vadc bench`: repeats of timed steps summarised as median / min / max, and the
// process's peak memory (RSS, and the wasm heap when TF.js runs on wasm).

/** Median, smallest and largest of a set of measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The spread of `values` (median of an even count = mean of the middle two). Throws on an empty list. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** How many times to run a step: `warmup` untimed calls, then `repeats` timed groups of `steps` calls. */
export interface RepeatPlan {
  warmup: number;
  repeats: number;
  steps: number;
}

/** Mean seconds per step of each timed repeat: wall clock, and CPU time of this process (all its threads). */
export interface RepeatTimes {
  wall: number[];
  cpu: number[];
}

/**
 * Runs `step` as planned and returns each timed repeat's mean seconds per step. On a shared machine the CPU time is
 * the steadier number: steps per CPU-second is what fully used cores would deliver.
 */
export async function timeRepeats(step: () => unknown, plan: RepeatPlan): Promise<RepeatTimes> {
  for (let index = 0; index < plan.warmup; index++) await step();
  const times: RepeatTimes = { wall: [], cpu: [] };
  for (let repeat = 0; repeat < plan.repeats; repeat++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    for (let index = 0; index < plan.steps; index++) await step();
    const cpu = process.cpuUsage(cpuStart);
    times.wall.push((performance.now() - started) / 1000 / plan.steps);
    times.cpu.push((cpu.user + cpu.system) / 1e6 / plan.steps);
  }
  return times;
}

/** Median seconds per call of a cheap synchronous `work` over `count` calls (after three untimed calls, for the JIT). */
export function medianSeconds(work: () => unknown, count: number): number {
  for (let index = 0; index < 3; index++) work();
  const seconds: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    work();
    seconds.push((performance.now() - started) / 1000);
  }
  return spread(seconds).median;
}

/** Peak resident memory of this process so far, in bytes (the kernel's maxrss, reported in KiB on Linux). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

interface EngineLike {
  backendName?: unknown;
  backend?: { wasm?: { HEAPU8?: { buffer?: { byteLength?: unknown } } } };
  memory?: () => { numTensors?: unknown; numBytes?: unknown };
}

// TF.js keeps its one engine on the global object (tfjs-core engine.ts `getGlobalNamespace()._tfengine`); reading it
// there lets the CLI report backend memory without its own copy of tfjs-core.
function tfjsEngine(): EngineLike | null {
  const engine = (globalThis as { _tfengine?: unknown })._tfengine;
  return typeof engine === 'object' && engine !== null ? (engine as EngineLike) : null;
}

/** Size of the wasm backend's heap in bytes (wasm memory grows and never shrinks, so this is its peak), or null off wasm. */
export function wasmHeapBytes(): number | null {
  const bytes = tfjsEngine()?.backend?.wasm?.HEAPU8?.buffer?.byteLength;
  return typeof bytes === 'number' ? bytes : null;
}

/** Tensors TF.js holds now (a number that grows from step to step means a leak), or null when TF.js is not loaded. */
export function liveTensors(): number | null {
  const count = tfjsEngine()?.memory?.().numTensors;
  return typeof count === 'number' ? count : null;
}
