// `vadc run <recipe>` (and `vadc train <recipe>`, which stops before scoring): the whole experiment in one command.
// A finished or unfinished run of the same resolved recipe is never overwritten: the command says so and offers
// --resume (continue / re-use it) or --new (a fresh run id).
import { resolve } from 'node:path';
import { onnxRuntimeAvailable } from '@vadc/runtime';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO, type ParsedArguments } from '../command.ts';
import { loadRecipe, recipeOptions } from '../recipe-reader.ts';
import { executeRun, type InferenceEngine } from '../run/execute-run.ts';
import { latestRun, listRuns } from '../run/run-folder.ts';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function runRecipe(args: ParsedArguments, io: CommandIO, trainOnly: boolean): Promise<number> {
  const [recipe, ...extra] = args.positionals;
  if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
  const backend = typeof args.values.backend === 'string' ? args.values.backend : null;
  if (backend !== null && !BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, not "${backend}"`);
  if (args.values.resume && args.values.new) throw new UsageError('--resume and --new exclude each other');
  const engine = engineOption(args.values.engine);
  const loaded = await loadRecipe(recipe, args.values, io);
  if (loaded === null) return EXIT_FAILED;
  if (loaded.plan.runtime.train_engine === 'onnx' && !(await onnxRuntimeAvailable())) {
    throw new UsageError('runtime.train_engine is onnx, which needs the optional package onnxruntime-node (not installed here); install it or set runtime.train_engine: tfjs');
  }
  const outRoot = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : 'runs');

  const sameRecipe = (await listRuns(outRoot, loaded.plan.name)).filter((run) => run.record.hash === loaded.hash);
  const previous = sameRecipe.at(-1) ?? null;
  let resumeFrom = null;
  if (args.values.resume) {
    if (previous === null) {
      const latest = await latestRun(outRoot, loaded.plan.name);
      const why = latest ? ` (the latest run, ${latest.directory}, has a different recipe hash)` : '';
      throw new UsageError(`no run of this recipe to resume under ${outRoot}/${loaded.plan.name}${why}; run without --resume`);
    }
    if (previous.record.status === 'finished' && !trainOnly) {
      io.stdout(`${previous.directory} already finished: metrics in ${previous.directory}/metrics.json (use --new for another run)\n`);
      return EXIT_OK;
    }
    resumeFrom = previous;
  } else if (previous !== null && !args.values.new) {
    const state = previous.record.status === 'finished' ? 'already ran to the end' : `has an unfinished run (${previous.record.status})`;
    io.stderr(`vadc: recipe ${loaded.plan.name} (hash ${loaded.hash.slice(0, 12)}) ${state}: ${previous.directory}\n`);
    io.stderr('vadc: use --resume to continue or re-use it, or --new to start another run\n');
    return EXIT_FAILED;
  }
  await executeRun(loaded, { outRoot, backend, resumeFrom, trainOnly, engine }, io);
  return EXIT_OK;
}

const options = {
  ...recipeOptions,
  backend: { type: 'string' },
  resume: { type: 'boolean' },
  new: { type: 'boolean' },
  out: { type: 'string' },
  engine: { type: 'string' },
} as const;

/** The --engine value: tfjs (default, the reference) or onnx (onnxruntime-node, optional dependency). */
export function engineOption(value: unknown): InferenceEngine {
  if (value === undefined || value === 'tfjs' || value === 'onnx') return value ?? 'tfjs';
  throw new UsageError(`--engine must be tfjs or onnx, not "${String(value)}"`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a recipe end to end: train, score the test split, evaluate, report',
  usage: 'vadc run <recipe.yaml> [--set key=value]... [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--resume | --new] [--out runs] [--engine tfjs|onnx]',
  options,
  run: (args, io) => runRecipe(args, io, false),
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a recipe\'s model (all stages) without scoring; `vadc eval` scores it later',
  usage: 'vadc train <recipe.yaml> [--set key=value]... [--backend b] [--resume | --new] [--out runs]',
  options,
  run: (args, io) => runRecipe(args, io, true),
};
