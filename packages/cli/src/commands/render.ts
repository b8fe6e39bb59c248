// `vadc render <recipe>`: the resolved Plan as YAML (or JSON), with `--origins` a comment per value saying the file
// and line it came from, `default`, or `--set`. Exit 0 when the recipe resolves, 1 when it is invalid, 2 for usage.
import { renderPlanYaml, resolveRecipe, type ValueOrigin } from '@vadc/dsl';
import { cpuSizedSibling, describeWork, estimateWithRecipeBackend, trainingWork, diskReader, displayPath, formatErrorLine, recipePath, resolveOptionsFrom } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from '../command.ts';

function describeOrigin(origin: ValueOrigin | undefined, cwd: string): string {
  if (origin === undefined || origin === 'default') return 'default';
  if (origin === '--set') return '--set';
  return `${displayPath(cwd, origin.file)}:${origin.line}`;
}

export const renderCommand: Command = {
  usage: 'vadc render <recipe.yaml> [--set key=value]... [--allow-env NAME]... [--root DIR]... [--origins] [--estimate] [--json]',
  options: { ...recipeOptions, origins: { type: 'boolean' }, json: { type: 'boolean' }, estimate: { type: 'boolean' } },
  help: {
    description: 'Prints the resolved recipe (every default filled in, references and --set applied) with its experiment hash and an estimate of the training time on this machine.',
    options: {
      ...recipeOptionHelp,
      origins: 'say for each value the file and line it came from, or `default`',
      json: 'print { hash, plan, origins?, cost } as JSON on stdout',
      estimate: 'time a few training steps on this machine and say about how long the training takes',
    },
    examples: ['vadc render recipes/quickstart.yaml', 'vadc render recipes/ucsd-ped2.yaml --set data.root=/data/UCSDped2 --origins', 'vadc render recipes/avenue-cpu.yaml --estimate'],
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('give exactly one recipe');
    const recipe = args.positionals[0]!;
    const path = recipePath(io.cwd, recipe);
    if (!(await diskReader.exists(path))) throw new UsageError(`recipe not found: ${recipe}`);
    // An unset ${env:NAME} (data.root) is a warning, as in validate: paths are not part of the plan hash, and
    // --estimate then counts the dataset's usual size instead of the frames on disk.
    const resolved = await resolveRecipe(path, { ...resolveOptionsFrom(args.values, io), unsetEnv: 'warning' });
    if (!resolved.ok) {
      for (const error of resolved.errors) io.stderr(`${formatErrorLine(error, io.cwd)}\n`);
      return EXIT_FAILED;
    }
    for (const warning of resolved.warnings) io.stderr(`${formatErrorLine(warning, io.cwd)}\n`);
    const origins = args.values.origins === true ? resolved.origins : undefined;
    // What the recipe costs: the training work, and with --estimate the time on this machine (a short timing).
    if (args.values.estimate === true) io.stderr('estimate: timing the training step on this machine...\n');
    const cpuRecipe = await cpuSizedSibling(path);
    const cost = args.values.estimate === true ? await estimateWithRecipeBackend(resolved.plan, cpuRecipe && displayPath(io.cwd, cpuRecipe)) : [describeWork(trainingWork(resolved.plan))];
    if (args.values.json === true) {
      const shown = origins === undefined ? undefined : Object.fromEntries(Object.entries(origins).map(([key, origin]) => [key, typeof origin === 'string' ? origin : { ...origin, file: displayPath(io.cwd, origin.file) }]));
      io.stdout(`${JSON.stringify({ hash: resolved.hash, plan: resolved.plan, ...(shown === undefined ? {} : { origins: shown }), cost }, null, 2)}\n`);
      return EXIT_OK;
    }
    const header = [`resolved from ${displayPath(io.cwd, path)}`, `plan hash: ${resolved.hash}`, ...cost, ...(args.values.estimate === true ? [] : ['(vadc render --estimate times it on this machine)'])];
    io.stdout(`${header.map((line) => `# ${line}\n`).join('')}${renderPlanYaml(resolved.plan, origins === undefined ? undefined : (key) => describeOrigin(origins[key], io.cwd))}`);
    return EXIT_OK;
  },
};
