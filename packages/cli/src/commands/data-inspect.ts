// `vadc data inspect <recipe> [--json] [--decode] [--set key=value]...`: resolve the recipe, open its dataset, and
// print per split the videos, frames, resolutions, anomalous frames, GT regions / tracks and every problem found.
// Exit 0 when the dataset is sound, 1 when problems were found or the recipe is invalid, 2 for usage errors.
import { dirname } from 'node:path';
import { formatDatasetReport, inspectDataset, loadRecipe } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO } from '../command.ts';

async function inspect(recipe: string, values: Record<string, unknown>, io: CommandIO): Promise<number> {
  const loaded = await loadRecipe(recipe, values, io);
  if (loaded === null) return EXIT_FAILED;
  const json = values.json === true;
  const report = await inspectDataset(loaded.plan, {
    decode: values.decode === true,
    baseDir: dirname(loaded.path),
    onVideo: io.isTerminal && !json ? (split, name) => io.stderr(`\rinspected ${split}/${name}\x1b[K`) : undefined,
  });
  if (io.isTerminal && !json) io.stderr('\r\x1b[K');
  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatDatasetReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

export const dataCommand: Command = {
  usage: 'vadc data inspect <recipe.yaml> [--json] [--decode] [--set key=value]... [--allow-env NAME]... [--root DIR]...',
  options: { json: { type: 'boolean' }, decode: { type: 'boolean' }, ...recipeOptions },
  help: {
    description: 'Opens the recipe\'s dataset and prints per split the videos, frames, resolution, anomalous frames, GT regions / tracks and every problem found. Exit 1 when it found problems.',
    options: {
      json: 'print the report as JSON on stdout',
      decode: 'decode every frame (slow) instead of reading headers, to find unreadable frames',
      ...recipeOptionHelp,
    },
    examples: ['vadc data inspect recipes/quickstart.yaml', 'VADC_PED2_ROOT=/data/UCSDped2 vadc data inspect recipes/ucsd-ped2.yaml --json'],
  },
  async run(args, io) {
    const [subcommand, recipe, ...extra] = args.positionals;
    if (subcommand !== 'inspect') throw new UsageError(subcommand === undefined ? 'missing subcommand (inspect)' : `unknown subcommand "${subcommand}" (inspect)`);
    if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
    return inspect(recipe, args.values, io);
  },
};
