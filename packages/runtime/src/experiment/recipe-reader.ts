// The Node side of recipe reading: @vadc/dsl never touches the disk, the CLI hands it this reader. Paths given to the
// dsl are absolute and '/'-separated; paths shown to users are relative to the working folder when inside it.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { resolveRecipe, type Diagnostic, type Plan, type PlanOrigins, type RecipeReader, type ResolveOptions } from '@vadc/dsl';
import { UsageError, type CommandIO } from '../run-io.ts';
import { machineMemoryBytes } from '../run-folder/machine.ts';

/** Recipe files read from the local disk (UTF-8). */
export const diskReader: RecipeReader = {
  readFile: (path) => readFile(path, 'utf8'),
  exists: (path) => stat(path).then(() => true, () => false),
  realPath: async (path) => (await realpath(path)).split(sep).join('/'),
  async listFolder(path) {
    const files: string[] = [];
    const folders: string[] = [];
    for (const entry of await readdir(path, { withFileTypes: true })) {
      // pnpm's node_modules holds links to package folders: a link counts as what it leads to (nothing when broken).
      const isFolder = entry.isSymbolicLink() ? await stat(join(path, entry.name)).then((target) => target.isDirectory(), () => null) : entry.isDirectory();
      if (isFolder === true) folders.push(entry.name);
      else if (isFolder === false && (entry.isFile() || entry.isSymbolicLink())) files.push(entry.name);
    }
    return { files, folders };
  },
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

/** resolveRecipe options from parsed command-line values (`set`, `allow-env`, `root`: @vadc/cli's recipe-options.ts). */
export function resolveOptionsFrom(values: Record<string, unknown>, io: CommandIO): ResolveOptions {
  return {
    reader: diskReader,
    overrides: optionList(values.set),
    allowEnv: optionList(values['allow-env']),
    roots: optionList(values.root).map((root) => recipePath(io.cwd, root)),
    env: io.env,
    cwd: recipePath(io.cwd, '.'),
    memoryBytes: machineMemoryBytes(),
  };
}

/** `file:line:column  key  message (hint)` with the file shown relative to cwd. */
export function formatErrorLine(diagnostic: Diagnostic, cwd: string): string {
  const where = `${displayPath(cwd, diagnostic.file)}:${diagnostic.line}:${diagnostic.column}`;
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const hint = diagnostic.hint === undefined ? '' : ` (${diagnostic.hint})`;
  return `${where}  ${diagnostic.key === '' ? '-' : diagnostic.key}  ${severity}${diagnostic.message}${hint}`;
}

/** A resolved recipe, ready for the runtime. */
export interface LoadedRecipe {
  /** Absolute path of the recipe file. */
  path: string;
  plan: Plan;
  hash: string;
  origins: PlanOrigins;
}

/**
 * Resolves the recipe a command was given with its --set / --allow-env / --root values. Problems are printed as
 * `file:line:column  key  message` lines on stderr and give null; the caller returns its exit status. `unsetEnv:
 * 'warning'` (commands that never read the dataset, like `vadc bench`) leaves an unset `${env:NAME}` as a warning.
 */
export async function loadRecipe(recipe: string, values: Record<string, unknown>, io: CommandIO, unsetEnv: 'error' | 'warning' = 'error'): Promise<LoadedRecipe | null> {
  const path = recipePath(io.cwd, recipe);
  if (!(await diskReader.exists(path))) throw new UsageError(`recipe not found: ${recipe}`);
  const resolved = await resolveRecipe(path, { ...resolveOptionsFrom(values, io), unsetEnv });
  for (const warning of resolved.warnings) io.stderr(`${formatErrorLine(warning, io.cwd)}\n`);
  if (!resolved.ok) {
    for (const error of resolved.errors) io.stderr(`${formatErrorLine(error, io.cwd)}\n`);
    io.stderr(`${displayPath(io.cwd, path)}: invalid recipe (${resolved.errors.length} error${resolved.errors.length === 1 ? '' : 's'})\n`);
    return null;
  }
  return { path, plan: resolved.plan, hash: resolved.hash, origins: resolved.origins };
}
