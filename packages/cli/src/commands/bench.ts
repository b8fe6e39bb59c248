// `vadc bench <recipe>`: training-step and inference frames/s of the recipe's model on generated inputs (no dataset
// needed), with peak memory and the per-frame time split across data decode, motion, model and scoring (issue 7).
import { loadavg } from 'node:os';
import { describeBackend, selectBackend, runBench, type BenchOptions, displayPath, loadRecipe, engineOption, resolveEngine } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO, type ParsedArguments } from '../command.ts';
import { formatBench } from '../bench/format-bench.ts';
import { BACKEND_NAMES, ENGINE_NAMES, PRECISION_NAMES, type Plan } from '@vadc/dsl';
import { optionChoice } from '../option-choice.ts';

const MODES = ['train', 'infer', 'both'] as const;

function count(name: string, value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < minimum) throw new UsageError(`--${name} must be a whole number >= ${minimum}, not "${String(value)}"`);
  return parsed;
}

async function bench(args: ParsedArguments, io: CommandIO): Promise<number> {
  const [recipe, ...extra] = args.positionals;
  if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
  const { values } = args;
  const backendName = optionChoice('backend', values.backend, BACKEND_NAMES, 'auto');
  const options: BenchOptions = {
    mode: optionChoice('mode', values.mode, MODES, 'both'),
    engine: null,
    batch: values.batch === undefined ? null : count('batch', values.batch, 0, 1),
    warmup: count('warmup', values.warmup, 1, 0),
    repeats: count('repeats', values.repeats, 3, 1),
    steps: count('steps', values.steps, 2, 1),
    data: values.data === true,
  };
  const engineFlag = engineOption(values.engine);
  // Generated inputs need no dataset: an unset ${env:...} (data.root) is a warning, unless --data reads the dataset.
  const loaded = await loadRecipe(recipe, values, io, options.data ? 'error' : 'warning');
  if (loaded === null) return EXIT_FAILED;
  // --precision is runtime.precision for this measurement (int8: the quantized scoring graph, onnx engine only).
  const precision = optionChoice('precision', values.precision, PRECISION_NAMES, loaded.plan.runtime.precision ?? 'fp32');
  const plan: Plan = { ...loaded.plan, runtime: { ...loaded.plan.runtime, precision } };
  // What `vadc run` would use: the recipe's runtime.engine resolved here, unless --engine names one.
  const engineChoice = await resolveEngine(plan, engineFlag, backendName === 'auto' ? null : backendName, io);
  options.engine = engineChoice.engine;
  if (precision === 'int8' && engineChoice.engine !== 'onnx') throw new UsageError(`precision int8 scores on the onnx engine only; the engine here is ${engineChoice.engine} (add --engine onnx)`);
  const backend = await selectBackend((backendName === 'auto' ? plan.runtime.backend : backendName) as Plan['runtime']['backend'], { threads: plan.runtime.threads });
  const json = values.json === true;
  if (!json) options.onPhase = (phase) => io.stderr(`bench: ${phase}...\n`);
  const started = new Date();
  const load = loadavg();
  const result = await runBench(plan, options);
  const context = {
    recipe: displayPath(io.cwd, loaded.path), name: plan.name, hash: loaded.hash, date: started.toISOString(),
    backend: describeBackend(backend), backend_name: backend.backend, threads: backend.threads, engine_choice: engineChoice, precision,
    load_average: load.map((value) => Number(value.toFixed(2))),
  };
  if (json) {
    io.stdout(`${JSON.stringify({ ...context, ...result }, null, 2)}\n`);
  } else {
    const header = `bench ${plan.name} (${context.recipe}): ${plan.data.size[0]}x${plan.data.size[1]}, ${context.backend}, ${engines(result)} (${precision}), ` +
      `load ${context.load_average.join(' ')}, ${context.date}`;
    io.stdout(formatBench(result, header));
  }
  return EXIT_OK;
}

// "training onnx, inference tfjs": the engines of what was measured.
function engines(result: { engine: string; train_engine: string | null; infer: unknown }): string {
  const parts = [];
  if (result.train_engine !== null) parts.push(`training ${result.train_engine}`);
  if (result.infer !== null) parts.push(`inference ${result.engine}`);
  return parts.join(', ');
}

/** `vadc bench`: model speed (frames/s), peak memory and time split for a recipe's shapes. */
export const benchCommand: Command = {
  usage: 'vadc bench <recipe> [--set key=value ...] [--mode train|infer|both] [--batch n] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu]\n' +
    `                  [--engine ${ENGINE_NAMES.join('|')}] [--precision ${PRECISION_NAMES.join('|')}] [--warmup n] [--repeats n] [--steps n] [--data] [--json]`,
  options: {
    ...recipeOptions,
    mode: { type: 'string' },
    batch: { type: 'string' },
    backend: { type: 'string' },
    engine: { type: 'string' },
    precision: { type: 'string' },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    steps: { type: 'string' },
    data: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: {
    description: 'Measures the recipe\'s model on generated inputs of its shape (no dataset needed: an unset ${env:...} in data paths is only a warning unless --data): frames/s (median, min, max over repeats), peak memory and the time split. Results on stdout, progress on stderr.',
    options: {
      ...recipeOptionHelp,
      mode: 'what to time: train, infer or both (default both)',
      batch: 'batch size (default: the recipe\'s stage / scoring batch)',
      backend: 'TF.js backend: auto, tensorflow-gpu, tensorflow, wasm or cpu',
      engine: 'auto, tfjs or onnx: the engine of training and inference (default: the recipe\'s runtime.engine, resolved as `vadc run` resolves it)',
      precision: 'fp32 or int8: the scoring graph\'s arithmetic on the onnx engine (default: the recipe\'s runtime.precision); training is always fp32',
      warmup: 'untimed steps before timing (default 1)',
      repeats: 'timed repeats; the median is reported (default 3)',
      steps: 'steps per repeat',
      data: 'also time reading and decoding the recipe\'s dataset',
      json: 'print the result as JSON on stdout',
    },
    examples: ['vadc bench recipes/quickstart.yaml --mode train', 'vadc bench recipes/avenue-cpu.yaml --engine onnx --repeats 5 --json', 'vadc bench recipes/ucsd-ped2.yaml --mode infer --engine onnx --precision int8'],
  },
  run: bench,
};
