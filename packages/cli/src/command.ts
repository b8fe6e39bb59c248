// The shape every `vadc` subcommand has. Commands receive parsed arguments and an IO object, return an exit status,
// and never call process.exit themselves: main.ts is the one boundary that prints errors and exits.
import type { ParseArgsConfig } from 'node:util';
// From the runtime's run-io subpath, a module without imports: `vadc --help` must not load the engines.
import { UsageError, type CommandIO } from '@vadc/runtime/run-io';

/**
 * Exit statuses shared by every command: 0 ok, 1 a check failed (e.g. invalid recipe), 2 usage or input error,
 * 3 an internal error (an exception vadc did not expect: a bug, reported with VADC_DEBUG=1's stack).
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

// What the application (in @vadc/runtime) writes to and throws, re-exported for the commands.
export { InputError, UsageError, type CommandIO, type TrainingStepReport } from '@vadc/runtime/run-io';

/** Error names of the libraries that mean "the input is wrong" (data, files, models), not "vadc is broken". */
const INPUT_ERROR_NAMES = new Set(['InputError', 'DatasetError', 'NpyError', 'PipelineError', 'MetricsError', 'BackendError', 'ComponentsError', 'ImageSizeError',
  // A queue job that failed on a worker: its own error (shown) is about the job's input, as in a local command.
  'QueueJobFailed',
  // An official checkpoint that cannot be read, is refused (a pickle naming os.system...) or does not fit the recipe.
  'PickleRefusedError', 'PickleFormatError', 'ZipFormatError', 'OfficialCheckpointError',
  // A --test-masks file that is not JSON of the format, or does not fit the model or the videos.
  'TestMasksError',
  // Redis that cannot take the work (unreachable, a refused password, full): the cause is named.
  'QueueUnavailableError']);
/** Node's codes for files that are missing or cannot be read. */
const FILE_ERROR_CODES = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR', 'EPERM', 'ENOSPC']);

/** Whether an error is the user's input (a missing file, a broken dataset) rather than a fault of vadc (exit 2, not 3). */
export function isInputError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error instanceof UsageError || INPUT_ERROR_NAMES.has(error.constructor.name) || INPUT_ERROR_NAMES.has(error.name) || (typeof code === 'string' && FILE_ERROR_CODES.has(code));
}

/** Parsed command-line arguments as node:util's parseArgs returns them. */
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

/** One `vadc` subcommand: its options, help and what it does (its name and summary are its line in the command table). */
export interface Command {
  /** Usage line(s) for `vadc <name> --help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Per-command help: `vadc <name> --help` prints it; a test checks every option has a line. */
  help: CommandHelp;
  run(args: ParsedArguments, io: CommandIO): Promise<number>;
}

/**
 * One line of the command table (commands/index.ts): what `vadc --help` lists, and how to load the command. Loading
 * is deferred so that only the command that runs imports the engines its module needs.
 */
export interface CommandEntry {
  name: string;
  /** One line for `vadc --help`. */
  summary: string;
  load(): Promise<Command>;
}
