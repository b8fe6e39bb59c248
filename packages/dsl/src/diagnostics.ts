// Errors and warnings of the recipe language are values, never exceptions: every stage returns the diagnostics it
// found, the resolver collects all of them, and only the CLI prints and picks an exit status.

/** Where a value was written: 1-based line and column in a file (or in the `--set` list, see SET_FILE). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/**
 * The pseudo file name of values given on the command line: `line` is the 1-based index of the `--set` argument and
 * `column` the 1-based column inside it.
 */
export const SET_FILE = '--set';

/** Closed list of diagnostic codes (tests assert these, not the wording of messages). */
export type DiagnosticCode =
  | 'YAML_SYNTAX'
  | 'DUPLICATE_KEY'
  | 'TAG_NOT_ALLOWED'
  | 'KEY_NOT_STRING'
  | 'FILE_NOT_FOUND'
  | 'EXTENDS_INVALID'
  | 'EXTENDS_NOT_FOUND'
  | 'EXTENDS_CYCLE'
  | 'EXTENDS_OUTSIDE_ROOT'
  | 'VERSION_INVALID'
  | 'VERSION_UNSUPPORTED'
  | 'VERSION_MISSING'
  | 'UPGRADED'
  | 'SET_SYNTAX'
  | 'SET_PATH'
  | 'ENV_NOT_ALLOWED'
  | 'ENV_UNSET'
  | 'REFERENCE_NOT_FOUND'
  | 'REFERENCE_CYCLE'
  | 'REFERENCE_NOT_SCALAR'
  | 'MISSING_VALUE'
  | 'UNKNOWN_KEY'
  | 'WRONG_TYPE'
  | 'BAD_ENUM'
  | 'OUT_OF_RANGE'
  | 'REQUIRED'
  | 'INVALID_VALUE'
  | 'CROSS_FIELD'
  | 'SWEEP_KEY'
  | 'SWEEP_VALUES'
  | 'TOO_LARGE';

/** One problem (or warning) found in a recipe, located at the file, line and column its value came from. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line: number;
  column: number;
  /** Dotted key of the value (`model.encoder.dim`, `stages.1.freeze.0`); '' for the whole file. */
  key: string;
  expected?: string;
  found?: string;
  /** What to do about it, e.g. "did you mean `heads`?" or "pass --allow-env NAME". */
  hint?: string;
}

/** Builds an error diagnostic at a position. */
export function errorAt(
  position: SourcePosition,
  code: DiagnosticCode,
  key: string,
  message: string,
  extra: Pick<Diagnostic, 'expected' | 'found' | 'hint'> = {},
): Diagnostic {
  return { code, severity: 'error', message, file: position.file, line: position.line, column: position.column, key, ...dropUndefined(extra) };
}

/** Builds a warning diagnostic at a position. */
export function warningAt(position: SourcePosition, code: DiagnosticCode, key: string, message: string, hint?: string): Diagnostic {
  return { ...errorAt(position, code, key, message, hint === undefined ? {} : { hint }), severity: 'warning' };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** Short, readable rendering of a found value for messages (`"abc"`, `12`, `a list`, `a map`). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
