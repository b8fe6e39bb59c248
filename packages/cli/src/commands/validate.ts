// `vadc validate <recipe>...`: resolve each recipe (and each combination of its sweep) and print every error as
// `file:line:column  key  message`. Exit 0 when all are valid (warnings allowed: an unset ${env:NAME} is one),
// 1 when any is invalid, 2 for usage errors. `--data` also opens each recipe's dataset.
import { expandSweep, resolveRecipe, type Diagnostic } from '@vadc/dsl';
import { checkDataPresent, diskReader, displayPath, formatErrorLine, recipePath, resolveOptionsFrom } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command } from '../command.ts';

interface RecipeReport {
  recipe: string;
  ok: boolean;
  hash: string | null;
  runs: number;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const validateCommand: Command = {
  usage: 'vadc validate <recipe.yaml>... [--set key=value]... [--allow-env NAME]... [--root DIR]... [--data] [--json]',
  options: { ...recipeOptions, json: { type: 'boolean' }, data: { type: 'boolean' } },
  help: {
    description: 'Checks recipes without running them: every problem as `file:line:column  key  message` on stdout. A `${env:NAME}` that is unset is a warning (the recipe is still valid; commands that need the value fail). With --data it also checks that the data the recipe names is there.',
    options: {
      ...recipeOptionHelp,
      json: 'print { ok, recipes: [{ recipe, ok, hash, errors, warnings }] } as JSON on stdout',
      data: 'also check that the dataset is there (the folder exists and holds the expected splits)',
    },
    examples: ['vadc validate recipes/*.yaml', 'VADC_PED2_ROOT=/data/UCSDped2 vadc validate recipes/ucsd-ped2.yaml --data'],
  },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('give at least one recipe');
    // An unset ${env:NAME} is a warning here, unless --data needs the value.
    const checkData = args.values.data === true;
    const options = { ...resolveOptionsFrom(args.values, io), unsetEnv: checkData ? 'error' as const : 'warning' as const };
    const reports: RecipeReport[] = [];
    for (const recipe of args.positionals) {
      const path = recipePath(io.cwd, recipe);
      if (!(await diskReader.exists(path))) throw new UsageError(`recipe not found: ${recipe}`);
      const resolved = await resolveRecipe(path, options);
      if (!resolved.ok) {
        reports.push({ recipe, ok: false, hash: null, runs: 0, errors: resolved.errors, warnings: resolved.warnings });
        continue;
      }
      // A sweep is valid only when every combination is.
      const sweep = resolved.plan.sweep === null ? undefined : await expandSweep(path, options);
      const errors = sweep !== undefined && !sweep.ok ? sweep.errors : [];
      const missing = checkData && errors.length === 0 ? await checkDataPresent(resolved.plan, resolved.origins, path) : null;
      if (missing !== null) errors.push(missing);
      const runs = sweep === undefined ? 1 : sweep.ok ? sweep.runs.length : 0;
      reports.push({ recipe, ok: errors.length === 0, hash: resolved.hash, runs, errors, warnings: resolved.warnings });
    }
    if (args.values.json === true) {
      const shown = reports.map((report) => ({ ...report, errors: report.errors.map((error) => ({ ...error, file: displayPath(io.cwd, error.file) })) }));
      io.stdout(`${JSON.stringify({ ok: reports.every((report) => report.ok), recipes: shown }, null, 2)}\n`);
    } else {
      for (const report of reports) {
        for (const diagnostic of [...report.errors, ...report.warnings]) io.stdout(`${formatErrorLine(diagnostic, io.cwd)}\n`);
        const runs = report.runs > 1 ? `  (${report.runs} sweep runs)` : '';
        const status = report.ok ? `ok  ${report.hash?.slice(0, 12) ?? ''}${runs}` : `invalid  ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`;
        io.stdout(`${report.recipe}  ${status}\n`);
      }
    }
    return reports.every((report) => report.ok) ? EXIT_OK : EXIT_FAILED;
  },
};
