// What `vadc --help`, `vadc help <command>` and `vadc <command> --help` print, and the "did you mean" of mistyped
// commands and flags. Text only: cli.ts decides where it goes and with which exit status.
import { readFileSync } from 'node:fs';
import type { Command, CommandEntry } from './command.ts';

/** The version of @vadc/cli (package.json sits one folder above both src/ and dist/). */
export function cliVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The overview: every command with its one-line summary, and the exit statuses. */
export function overviewHelp(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: vadc <command> [options]', '', 'Commands:', ...lines, '',
    'Options: --help (this text, or a command\'s with `vadc <command> --help`), --version', '',
    EXIT_STATUS_HELP, '',
  ].join('\n');
}

/** The exit statuses, as every help text and the README state them. */
export const EXIT_STATUS_HELP = 'Exit status: 0 ok, 1 a failed check (invalid recipe, dataset problems, a run that exists), 2 a usage or input error, 3 an internal error (a bug: rerun with VADC_DEBUG=1 for the stack).';

/** `vadc <command> --help`: usage, description, one line per option, examples. */
export function commandHelp(command: Command): string {
  const names = Object.keys(command.options);
  const flags = names.map((name) => {
    const option = command.options[name]!;
    const value = option.type === 'string' ? ` <${name === 'set' ? 'key=value' : 'value'}>` : '';
    const repeat = option.multiple === true ? ' (repeatable)' : '';
    return { flag: `--${name}${value}`, text: `${command.help.options[name] ?? ''}${repeat}` };
  });
  const width = Math.max(...flags.map((entry) => entry.flag.length), 6);
  return [
    `Usage: ${command.usage}`, '', wrap(command.help.description, 2), '',
    ...(flags.length > 0 ? ['Options:', ...flags.map((entry) => `  ${entry.flag.padEnd(width)}  ${entry.text}`), `  ${'--help'.padEnd(width)}  this text`, ''] : []),
    'Examples:', ...command.help.examples.map((example) => `  ${example}`), '', EXIT_STATUS_HELP, '',
  ].join('\n');
}

/**
 * The closest of `candidates` to a mistyped name (suggest.ts of @vadc/dsl). Imported on demand: loading the recipe
 * language (yaml, ajv) would double the time of `vadc --version` and `vadc --help`, which never suggest anything.
 */
async function closestMatch(word: string, candidates: readonly string[]): Promise<string | undefined> {
  const { closestMatch: closest } = await import('@vadc/dsl');
  return closest(word, candidates);
}

/** A `did you mean` suffix for a mistyped command name ('' when nothing is close). */
export async function suggestCommand(name: string, commands: readonly CommandEntry[]): Promise<string> {
  const match = await closestMatch(name, commands.map((command) => command.name));
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}

/**
 * The first `--flag` in `args` the command does not take, with a suggestion; undefined when all are known. Stops at
 * `--` (what follows is positional).
 */
export async function unknownFlag(args: readonly string[], command: Command): Promise<string | undefined> {
  const known = Object.keys(command.options);
  for (const arg of args) {
    if (arg === '--') return undefined;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    if (known.includes(name)) continue;
    const match = await closestMatch(name, known);
    const hint = match === undefined ? ` (options: ${known.map((option) => `--${option}`).join(', ') || 'none'})` : ` (did you mean --${match}?)`;
    return `unknown option --${name}${hint}`;
  }
  return undefined;
}

function wrap(text: string, indent: number): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length + word.length + 1 > 118 - indent && line !== '') {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((entry) => `${' '.repeat(indent)}${entry}`).join('\n');
}
