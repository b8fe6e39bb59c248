// `vadc data inspect <recipe> [--json] [--decode] [--set key=value]...`: resolve the recipe, open its dataset, and
// print per split the videos, frames, resolutions, anomalous frames, GT regions / tracks and every problem found.
// Exit 0 when the dataset is sound, 1 when problems were found or the recipe is invalid, 2 for usage errors.
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatDiagnostic, resolveRecipe, type RecipeReader } from '@vadc/dsl';
import { formatDatasetReport, inspectDataset } from '@vadc/runtime';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIO } from '../command.ts';

/** Recipe files read from the local disk. */
const diskReader: RecipeReader = {
  readFile: (path) => readFile(path, 'utf8'),
  exists: (path) => stat(path).then(() => true, () => false),
};

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');
}

async function inspect(recipe: string, values: Record<string, unknown>, io: CommandIO): Promise<number> {
  const path = resolve(io.cwd, recipe);
  if (!(await diskReader.exists(path))) throw new UsageError(`recipe not found: ${recipe}`);
  const resolved = await resolveRecipe(path, { reader: diskReader, overrides: strings(values.set), env: io.env, cwd: io.cwd });
  if (!resolved.ok) {
    for (const error of resolved.errors) io.stderr(`${formatDiagnostic(error)}\n`);
    return EXIT_FAILED;
  }
  const report = await inspectDataset(resolved.plan, {
    decode: values.decode === true,
    baseDir: dirname(path),
    onVideo: io.isTerminal && values.json !== true ? (split, name) => io.stderr(`\rinspected ${split}/${name}\x1b[K`) : undefined,
  });
  if (io.isTerminal && values.json !== true) io.stderr('\r\x1b[K');
  io.stdout(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDatasetReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'Dataset tools: `data inspect <recipe>` checks a dataset and counts what it holds',
  usage: 'vadc data inspect <recipe.yaml> [--json] [--decode] [--set key=value]...',
  options: { json: { type: 'boolean' }, decode: { type: 'boolean' }, set: { type: 'string', multiple: true } },
  async run(args, io) {
    const [subcommand, recipe, ...extra] = args.positionals;
    if (subcommand !== 'inspect') throw new UsageError(subcommand === undefined ? 'missing subcommand (inspect)' : `unknown subcommand "${subcommand}" (inspect)`);
    if (recipe === undefined || extra.length > 0) throw new UsageError('give exactly one recipe');
    return inspect(recipe, args.values, io);
  },
};
