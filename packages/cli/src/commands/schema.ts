// `vadc schema`: the JSON Schema of recipes, for editors (`# yaml-language-server: $schema=...`); `--plan` prints
// the schema of a resolved Plan instead.
import { planJsonSchema, recipeJsonSchema } from '@vadc/dsl';
import { EXIT_OK, UsageError, type Command } from '../command.ts';

export const schemaCommand: Command = {
  usage: 'vadc schema [--plan]',
  options: { plan: { type: 'boolean' } },
  help: {
    description: 'Prints the JSON Schema of recipe files (every key with its description and default), for editors: add `# yaml-language-server: $schema=<path>/vadc.schema.json` at the top of a recipe.',
    options: { plan: 'print the schema of a resolved Plan instead (every key required, short forms expanded)' },
    examples: ['vadc schema > vadc.schema.json', 'vadc schema --plan'],
  },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError('vadc schema takes no arguments');
    io.stdout(`${JSON.stringify(args.values.plan === true ? planJsonSchema : recipeJsonSchema, null, 2)}\n`);
    return EXIT_OK;
  },
};
