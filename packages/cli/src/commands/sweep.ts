// `vadc sweep <recipe>`: run every combination of the recipe's sweep grid. Combinations that differ only in
// scoring-only keys (alpha / beta / gamma, smoothing, evaluation settings) share one trained model and are
// evaluated from its stored components; a table of the metrics goes to stdout (`--json`: sweep.json).
import { resolve } from 'node:path';
import { BACKEND_NAMES, expandSweep } from '@vadc/dsl';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO } from '../command.ts';
import { optionChoice } from '../option-choice.ts';
import { displayPath, formatErrorLine, recipePath, diskReader, resolveOptionsFrom, runSweep, sweepTable } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { parseQueueUrl } from '../queue/connection.ts';
import { CoordinatorStopped, EXIT_INTERRUPTED } from '../queue/coordinator-interrupt.ts';
import { ATTEMPTS_OPTION_HELP, attemptsOption, QUEUE_OPTION_HELP } from '../queue/option-help.ts';
import { queueSweep } from '../queue/sweep-queue.ts';


export const sweepCommand: Command = {
  usage: 'vadc sweep <recipe.yaml> [--set key=value]... [--backend b] [--out runs] [--json] [--queue redis://host:port [--attempts n]]',
  options: { ...recipeOptions, backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, queue: { type: 'string' }, attempts: { type: 'string' } },
  help: {
    description: 'Runs every combination of the recipe\'s sweep grid, training one model per distinct training hash and evaluating '
      + 'combinations that differ only in scoring.* / eval.* from its stored components. Writes runs/<name>/sweep-<id>/sweep.json '
      + 'and report.html; prints a table of the metrics (or sweep.json with --json) on stdout, progress on stderr.',
    options: {
      ...recipeOptionHelp,
      backend: 'TF.js backend instead of the recipe\'s runtime.backend: auto, tensorflow-gpu, tensorflow, wasm or cpu',
      out: 'folder holding runs/<name>/... (default runs)',
      json: 'print sweep.json on stdout instead of the table',
      queue: QUEUE_OPTION_HELP,
      attempts: ATTEMPTS_OPTION_HELP,
    },
    examples: ['vadc sweep recipes/ablations/ped2-scoring.yaml', 'vadc sweep recipes/quickstart.yaml --queue redis://127.0.0.1:6379 --json'],
  },
  async run(args, io) {
    const [recipe, ...extra] = args.positionals;
    if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
    const backend = optionChoice('backend', args.values.backend, BACKEND_NAMES, null);
    const path = recipePath(io.cwd, recipe);
    if (!(await diskReader.exists(path))) throw new UsageError(`recipe not found: ${recipe}`);
    const address = typeof args.values.queue === 'string' ? parseQueueUrl(args.values.queue, io.env) : null;
    const attempts = attemptsOption(args.values.attempts);
    if (address === null && args.values.attempts !== undefined) throw new UsageError('--attempts needs --queue (a local sweep runs each training once)');
    // Queued combinations run on the workers: the coordinator's memory bounds nothing (the absolute bound still holds).
    const { memoryBytes, ...options } = resolveOptionsFrom(args.values, io);
    const expanded = await expandSweep(path, address === null ? { ...options, memoryBytes } : options);
    for (const warning of expanded.warnings) io.stderr(`${formatErrorLine(warning, io.cwd)}\n`);
    if (!expanded.ok) {
      for (const error of expanded.errors) io.stderr(`${formatErrorLine(error, io.cwd)}\n`);
      io.stderr(`${displayPath(io.cwd, path)}: invalid sweep (${expanded.errors.length} error${expanded.errors.length === 1 ? '' : 's'})\n`);
      return EXIT_FAILED;
    }
    // stdout carries only the table (or sweep.json); each training's progress and metrics are logs, on stderr.
    const progressIo: CommandIO = { ...io, stdout: io.stderr };
    const outRoot = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : 'runs');
    const sweepOptions = { recipePath: path, outRoot, backend, scoringOnlyKeys: expanded.scoringOnlyKeys, trainingKeys: expanded.trainingKeys };
    let summary;
    try {
      ({ summary } = address === null ? await runSweep(expanded.runs, sweepOptions, progressIo) : await queueSweep(expanded.runs, sweepOptions, { address, attempts }, io));
    } catch (error) {
      if (error instanceof CoordinatorStopped) return EXIT_INTERRUPTED;
      throw error;
    }
    io.stdout(args.values.json ? `${JSON.stringify(summary, null, 2)}\n` : sweepTable(summary));
    return EXIT_OK;
  },
};
