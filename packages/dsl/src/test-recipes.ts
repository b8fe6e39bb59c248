// Test helpers: an in-memory project (a folder with `recipes/` and a `.git` marker) and a shorthand to resolve in it.
import { createMemoryReader } from './reader.ts';
import { resolveRecipe, type ResolveOptions, type ResolveResult } from './public-api.ts';

/** The project root of in-memory test projects. */
export const PROJECT = '/project';

/** A reader over `files` (paths relative to /project) plus a .git marker so /project is the project root. */
export function projectReader(files: Record<string, string>): ResolveOptions['reader'] {
  const absolute = Object.fromEntries(Object.entries(files).map(([path, text]) => [path.startsWith('/') ? path : `${PROJECT}/${path}`, text]));
  return createMemoryReader({ ...absolute, [`${PROJECT}/.git/HEAD`]: 'ref: refs/heads/main\n' });
}

/** Resolves `recipes/<top>` (or an absolute path) within `files`. */
export function resolveIn(files: Record<string, string>, top: string, options: Omit<ResolveOptions, 'reader'> = {}): Promise<ResolveResult> {
  return resolveRecipe(top.startsWith('/') ? top : `${PROJECT}/${top}`, { reader: projectReader(files), ...options });
}

/** The errors of a failed result (fails the test if it succeeded). */
export function errorsOf(result: ResolveResult): Extract<ResolveResult, { ok: false }>['errors'] {
  if (result.ok) throw new Error('expected the recipe to be invalid, but it resolved');
  return result.errors;
}

/** The successful result (fails the test with the errors if it failed). */
export function planOf(result: ResolveResult): Extract<ResolveResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a Plan, got errors:\n${result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.code} ${e.key} ${e.message}`).join('\n')}`);
  return result;
}

/** A minimal valid synthetic recipe. */
export const SMALL = 'vadc: 1\ndata:\n  dataset: synthetic\n';
