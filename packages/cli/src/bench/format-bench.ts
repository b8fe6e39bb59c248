// The human-readable report of `vadc bench` (the --json object is BenchResult itself plus the run's context).
import { type BenchResult, type ModeResult } from '@vadc/runtime';

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function modeLine(name: string, mode: ModeResult, result: BenchResult): string {
  const { median, min, max } = mode.frames_per_second;
  return `${name.padEnd(6)} batch ${mode.batch}: ${fixed(median)} frames/s median (min ${fixed(min)}, max ${fixed(max)}) ` +
    `over ${result.repeats} repeat${result.repeats === 1 ? '' : 's'} x ${result.steps} step${result.steps === 1 ? '' : 's'}, ` +
    `${fixed(mode.seconds_per_step.median)} s/step; ${fixed(mode.frames_per_cpu_second.median)} frames per CPU-second`;
}

/** The bench's report as lines of text. */
export function formatBench(result: BenchResult, header: string): string {
  const lines = [header];
  if (result.train !== null) lines.push(modeLine('train', result.train, result));
  if (result.infer !== null) lines.push(modeLine('infer', result.infer, result));
  const { memory, split } = result;
  lines.push(`memory: peak RSS ${megabytes(memory.peak_rss_bytes)}` +
    `${memory.wasm_heap_bytes === null ? '' : `, wasm heap ${megabytes(memory.wasm_heap_bytes)}`}` +
    `${memory.live_tensors === null ? '' : `, ${memory.live_tensors} live tensors`}`);
  const parts: Array<[string, number | null]> = [
    ['data decode', split.data_decode_ms], ['motion', split.motion_ms],
    [result.infer !== null ? 'model' : 'model (train step)', split.model_ms], ['scoring', split.scoring_ms],
  ];
  const total = parts.reduce((sum, [, ms]) => sum + (ms ?? 0), 0);
  const part = ([name, ms]: [string, number | null]) => `${name} ${ms === null ? 'n/a' : `${ms.toFixed(2)} ms (${((100 * ms) / total).toFixed(1)}%)`}`;
  lines.push(`time per frame: ${parts.map(part).join(', ')}`);
  lines.push(`data: ${split.data_note}`);
  return `${lines.join('\n')}\n`;
}
