// The Node side of recipe reading: @vadc/dsl never touches the disk, the CLI hands it this reader. Paths given to the
// dsl are absolute and '/'-separated; paths shown to users are relative to the working folder when inside it.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic, RecipeReader, ResolveOptions } from '@vadc/dsl';
import type { CommandIO } from './command.ts';

/** Recipe files read from the local disk (UTF-8). */
export const diskReader: RecipeReader = {
  readFile: (path) => readFile(path, 'utf8'),
  exists: (path) => stat(path).then(() => true, () => false),
};

/** An absolute, '/'-separated path for the dsl. */
export function recipePath(cwd: string, path: string): string {
  return resolve(cwd, path).split(sep).join('/');
}

/** A path as users should see it: relative to `cwd` when inside it. `--set` and other pseudo files stay as they are. */
export function displayPath(cwd: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const shown = relative(cwd, path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown.split(sep).join('/');
}

/** The values of a repeatable string option (`--set a=1 --set b=2`). */
export function optionList(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');
}

/** Options shared by commands that resolve recipes: --set, --allow-env, --root. */
export const recipeOptions = {
  set: { type: 'string', multiple: true },
  'allow-env': { type: 'string', multiple: true },
  root: { type: 'string', multiple: true },
} as const;

/** resolveRecipe options from parsed command-line values. */
export function resolveOptionsFrom(values: Record<string, unknown>, io: CommandIO): ResolveOptions {
  return {
    reader: diskReader,
    overrides: optionList(values.set),
    allowEnv: optionList(values['allow-env']),
    roots: optionList(values.root).map((root) => recipePath(io.cwd, root)),
    env: io.env,
    cwd: recipePath(io.cwd, '.'),
  };
}

/** `file:line:column  key  message (hint)` with the file shown relative to cwd. */
export function formatErrorLine(diagnostic: Diagnostic, cwd: string): string {
  const where = `${displayPath(cwd, diagnostic.file)}:${diagnostic.line}:${diagnostic.column}`;
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const hint = diagnostic.hint === undefined ? '' : ` (${diagnostic.hint})`;
  return `${where}  ${diagnostic.key === '' ? '-' : diagnostic.key}  ${severity}${diagnostic.message}${hint}`;
}
