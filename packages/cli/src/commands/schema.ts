// `vadc schema`: the JSON Schema of recipes, for editors (`# yaml-language-server: $schema=...`); `--plan` prints
// the schema of a resolved Plan instead.
import { planJsonSchema, recipeJsonSchema } from '@vadc/dsl';
import { EXIT_OK, UsageError, type Command } from '../command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of recipes (for editor completion)',
  usage: 'vadc schema [--plan]',
  options: { plan: { type: 'boolean' } },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError('vadc schema takes no arguments');
    io.stdout(`${JSON.stringify(args.values.plan === true ? planJsonSchema : recipeJsonSchema, null, 2)}\n`);
    return EXIT_OK;
  },
};
