// `vadc run <recipe>` (and `vadc train <recipe>`, which stops before scoring): the whole experiment in one command.
// A finished or unfinished run of the same resolved recipe is never overwritten: the command says so and offers
// --resume (continue / re-use it) or --new (a fresh run id).
import { resolve } from 'node:path';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO, type ParsedArguments } from '../command.ts';
import { BACKEND_NAMES, ENGINE_NAMES } from '@vadc/dsl';
import { optionChoice } from '../option-choice.ts';
import { loadRecipe, runExperiment, engineOfResumedRun, engineOption, resolveEngine, chooseRunStart } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { ioForJson, runResultJson } from '../run-result.ts';


async function runRecipe(args: ParsedArguments, io: CommandIO, trainOnly: boolean): Promise<number> {
  const [recipe, ...extra] = args.positionals;
  if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
  const backend = optionChoice('backend', args.values.backend, BACKEND_NAMES, null);
  const engine = engineOption(args.values.engine);
  const loaded = await loadRecipe(recipe, args.values, io);
  if (loaded === null) return EXIT_FAILED;
  const engineChoice = await resolveEngine(loaded.plan, engine, backend, io);
  const outRoot = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : 'runs');

  const start = await chooseRunStart(loaded, outRoot, { resume: args.values.resume === true, new: args.values.new === true, trainOnly });
  if (start.kind === 'finished') {
    io.stderr(`${start.run.directory} already finished: metrics in ${start.run.directory}/metrics.json (use --new for another run)\n`);
    if (args.values.json) io.stdout(await runResultJson(start.run));
    return EXIT_OK;
  }
  if (start.kind === 'exists') {
    const state = start.run.record.status === 'finished' ? 'already ran to the end' : `has an unfinished run (${start.run.record.status})`;
    io.stderr(`vadc: recipe ${loaded.plan.name} (hash ${loaded.hash.slice(0, 12)}) ${state}: ${start.run.directory}\n`);
    io.stderr('vadc: use --resume to continue or re-use it, or --new to start another run\n');
    return EXIT_FAILED;
  }
  const resumeFrom = start.kind === 'resume' ? start.run : null;
  const json = args.values.json === true;
  const runEngine = resumeFrom === null ? engineChoice : await engineOfResumedRun(engineChoice, resumeFrom.record.engine?.train, io);
  const run = await runExperiment(loaded, { outRoot, backend, resumeFrom, trainOnly, engine: runEngine, deep: args.values.deep === true }, ioForJson(io, json));
  io.stdout(json ? await runResultJson(run) : trainOnly ? `trained: ${run.directory}\n` : '');
  return EXIT_OK;
}

const options = {
  ...recipeOptions,
  backend: { type: 'string' },
  resume: { type: 'boolean' },
  new: { type: 'boolean' },
  out: { type: 'string' },
  engine: { type: 'string' },
  json: { type: 'boolean' },
  deep: { type: 'boolean' },
} as const;


/** Help lines of the options `run` and `train` share. */
const optionHelp = {
  ...recipeOptionHelp,
  backend: 'TF.js backend: auto (default: the recipe\'s runtime.backend), tensorflow-gpu, tensorflow, wasm or cpu',
  resume: 'continue the unfinished run of this recipe (same hash) from its last finished epoch, or re-use a finished one',
  new: 'start another run even though one of this recipe exists',
  out: 'folder of run folders (default: runs); a run goes to <out>/<name>/<id>/',
  engine: 'engine of training and scoring for this command: auto, tfjs (the reference) or onnx (onnxruntime-node, optional package); default: the recipe\'s runtime.engine (default auto: TF.js on a GPU, else the fastest installed CPU engine)',
  json: 'print the result (run folder, hashes, dataset fingerprint, metrics) as JSON on stdout; progress stays on stderr',
  deep: 'fingerprint the dataset by hashing every file\'s contents, not just names, sizes, frame counts and labels',
};

const EXAMPLES_RUN = ['vadc run recipes/quickstart.yaml', 'vadc run recipes/ucsd-ped2.yaml --set data.root=/data/UCSDped2 --set stages.0.epochs=2 --new', 'vadc run recipes/quickstart.yaml --resume --json > result.json'];
const EXAMPLES_TRAIN = ['vadc train recipes/quickstart.yaml', 'vadc train recipes/quickstart.yaml --engine tfjs --out /tmp/runs'];

export const runCommand: Command = {
  usage: `vadc run <recipe.yaml> [--set key=value]... [--backend ${BACKEND_NAMES.join('|')}] [--resume | --new] [--out runs] [--engine ${ENGINE_NAMES.join('|')}] [--deep] [--json]`,
  options,
  help: {
    description: 'Trains every stage of the recipe (or resumes), scores the test split, evaluates and writes runs/<name>/<id>/ (run.json, plan.json, scores.csv, metrics.json, report.html). Before training it prints an estimate of the training time on this machine. Progress and logs go to stderr; the metrics summary (or --json) to stdout.',
    options: optionHelp,
    examples: EXAMPLES_RUN,
  },
  run: (args, io) => runRecipe(args, io, false),
};

export const trainCommand: Command = {
  usage: `vadc train <recipe.yaml> [--set key=value]... [--backend b] [--resume | --new] [--out runs] [--engine ${ENGINE_NAMES.join('|')}] [--deep] [--json]`,
  options,
  help: {
    description: 'The training part of `vadc run`: trains every stage into runs/<name>/<id>/checkpoints/ without scoring; `vadc eval <run-folder>` scores it later. Progress and logs go to stderr; the run folder (or --json) to stdout.',
    options: optionHelp,
    examples: EXAMPLES_TRAIN,
  },
  run: (args, io) => runRecipe(args, io, true),
};
