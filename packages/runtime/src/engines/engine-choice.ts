// The engine a command trains and scores with: `--engine` over the recipe's `runtime.engine`, `auto` resolved on this
// machine when the command starts (runtime's chooseEngine), the choice printed on stderr and recorded. A named onnx
// engine that cannot load here is a usage error (install the package or name tfjs), never a silent fallback.
import { ENGINE_NAMES, type EngineName, type Plan } from '@vadc/dsl';
import type { EngineChoice } from '../engine/engine.ts';
import { chooseEngine, describeEngine, onnxRuntimeProblem } from './choose-engine.ts';
import { UsageError, type CommandIO } from '../run-io.ts';
import type { RunRecord } from '../run-folder/run-folder.ts';

/** The --engine value (auto, tfjs or onnx), or null when it is not given. */
export function engineOption(value: unknown): EngineName | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName;
  throw new UsageError(`--engine must be auto, tfjs or onnx, not "${String(value)}"`);
}

/** The engine a plan requests: `runtime.engine` (a resolved recipe always has it; default auto). */
export function requestedEngine(plan: Plan): EngineName {
  return plan.runtime.engine ?? 'auto';
}

/**
 * Resolves the engine of one command: `flag` (--engine) over the plan's request, `auto` by chooseEngine with the TF.js
 * backend asked for (`backend`: --backend, else the recipe's). Prints "engine: ..." on `io` (null: silent). Throws a UsageError
 * when onnx is named but onnxruntime-node does not load here.
 */
export async function resolveEngine(plan: Plan, flag: EngineName | null, backend: string | null, io: Pick<CommandIO, 'stderr'> | null): Promise<EngineChoice> {
  const requested = flag ?? requestedEngine(plan);
  const choice = await chooseEngine(requested, flag === null ? 'recipe' : '--engine', (backend ?? plan.runtime.backend) as Plan['runtime']['backend']);
  if (choice.engine === 'onnx' && requested === 'onnx') {
    const problem = await onnxRuntimeProblem();
    if (problem !== null) throw new UsageError(`${choice.reason} needs the optional package onnxruntime-node (${problem}); install it, or use --engine tfjs (or runtime.engine: auto)`);
  }
  io?.stderr(`engine: ${describeEngine(choice)}\n`);
  return choice;
}

/**
 * The engine a resumed run continues on: under `auto`, the engine it started training on (run.json), so one run's
 * epochs are not split across engines when `auto` resolves otherwise today. A usage error when that engine is onnx
 * and onnxruntime-node no longer loads here. A named engine (recipe or --engine) is kept as chosen.
 */
export async function engineOfResumedRun(choice: EngineChoice, started: EngineChoice | undefined, io: Pick<CommandIO, 'stderr'>): Promise<EngineChoice> {
  if (choice.requested !== 'auto' || started === undefined || started.engine === choice.engine) return choice;
  const problem = started.engine === 'onnx' ? await onnxRuntimeProblem() : null;
  if (problem !== null) {
    throw new UsageError(`this run started training on onnx, which cannot run here (${problem}); resume it where it can, or start another run with --new`);
  }
  const kept: EngineChoice = { ...choice, engine: started.engine, reason: `auto: the engine this run started training on (auto resolves to ${choice.engine} here)` };
  io.stderr(`engine: ${describeEngine(kept)}\n`);
  return kept;
}

/** The engine that trained a run: run.json's record, else (an imported model, which no vadc engine trained) what its plan requests. */
export function trainedEngine(record: RunRecord, plan: Plan): 'tfjs' | 'onnx' {
  return record.engine?.train?.engine ?? (requestedEngine(plan) === 'onnx' ? 'onnx' : 'tfjs');
}
