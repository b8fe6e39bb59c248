// The shape every `vadc` subcommand has. Commands receive parsed arguments and an IO object, return an exit status,
// and never call process.exit themselves: main.ts is the one boundary that prints errors and exits.
import type { ParseArgsConfig } from 'node:util';

/** Exit statuses shared by every command: 0 ok, 1 a check failed (e.g. invalid recipe), 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command writes. Tests pass buffers; main.ts passes the process streams. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is an interactive terminal (progress bars) or not (plain periodic lines). */
  isTerminal: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A usage or input error: printed as one line on stderr, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArguments {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/**
 * What `vadc <name> --help` explains beyond the usage line. Every option key of `Command.options` has a line in
 * `options`; new commands fill all three fields.
 */
export interface CommandHelp {
  /** A few sentences: what the command does and what it writes (results on stdout, progress and logs on stderr). */
  description: string;
  /** One line per option, keyed by the option's long name (without `--`). */
  options: Record<string, string>;
  /** Complete command lines a user can copy, e.g. `vadc run recipes/quickstart.yaml --set seed=3`. */
  examples: string[];
}

export interface Command {
  name: string;
  /** One line for `vadc --help`. */
  summary: string;
  /** Usage line(s) for `vadc <name> --help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Per-command help; optional until every command has it. */
  help?: CommandHelp;
  run(args: ParsedArguments, io: CommandIO): Promise<number>;
}
