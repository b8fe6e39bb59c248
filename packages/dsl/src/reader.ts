// File access is injected: @vadc/dsl never touches a file system itself, so it runs in Node, Deno and browsers.
// Paths are POSIX-style strings ('/' separated); the CLI hands absolute paths in.

/** How the recipe resolver reads files. The CLI passes one backed by node:fs; tests pass `createMemoryReader`. */
export interface RecipeReader {
  /** The text of a file; rejects when it cannot be read. */
  readFile(path: string): Promise<string>;
  /** Whether a file or folder exists at the path. */
  exists(path: string): Promise<boolean>;
  /**
   * The path with symbolic links resolved (absolute, '/'-separated), where the file system has links; rejects when
   * the path does not exist. Without it, `extends` confinement checks the path as written.
   */
  realPath?(path: string): Promise<string>;
  /**
   * The files and folders in a folder (names, not paths; symbolic links to folders count as folders), where the host
   * can list folders; rejects when it cannot be read. Without it, a mistyped `extends` of a package gets no
   * suggestion.
   */
  listFolder?(path: string): Promise<{ files: string[]; folders: string[] }>;
}

/** Collapses `.`, `..` and repeated slashes; keeps a leading '/'. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** Joins path pieces; an absolute piece restarts the path (like node:path's resolve without a cwd). */
export function joinPath(...pieces: string[]): string {
  let result = '';
  for (const piece of pieces) {
    if (piece.startsWith('/')) result = piece;
    else if (piece !== '') result = result === '' ? piece : `${result}/${piece}`;
  }
  return normalizePath(result === '' ? '.' : result);
}

/** The folder of a path ('/a/b.yaml' -> '/a'). */
export function dirnamePath(path: string): string {
  const normalised = normalizePath(path);
  const index = normalised.lastIndexOf('/');
  if (index < 0) return '.';
  return index === 0 ? '/' : normalised.slice(0, index);
}

/** The last segment of a path ('/a/b.yaml' -> 'b.yaml'). */
export function basenamePath(path: string): string {
  const normalised = normalizePath(path);
  return normalised.slice(normalised.lastIndexOf('/') + 1);
}

/** Whether `path` is `folder` or lies below it (both normalised first). */
export function isInsidePath(path: string, folder: string): boolean {
  const child = normalizePath(path);
  const parent = normalizePath(folder);
  if (parent === '/') return child.startsWith('/');
  return child === parent || child.startsWith(`${parent}/`);
}

/** `to` written relative to folder `from` when it lies inside it, else `to` unchanged. */
export function relativePath(from: string, to: string): string {
  const parent = normalizePath(from);
  const child = normalizePath(to);
  if (child === parent) return '.';
  const prefix = parent === '/' ? '/' : `${parent}/`;
  return child.startsWith(prefix) ? child.slice(prefix.length) : child;
}

/** A reader over an in-memory map of path -> text (tests, browsers, editors). Folders exist when a file is below them. */
export function createMemoryReader(files: Record<string, string>): RecipeReader {
  const normalised = new Map(Object.entries(files).map(([path, text]) => [normalizePath(path), text]));
  return {
    async readFile(path) {
      const text = normalised.get(normalizePath(path));
      if (text === undefined) throw new Error(`no such file: ${path}`);
      return text;
    },
    async exists(path) {
      const wanted = normalizePath(path);
      for (const known of normalised.keys()) if (isInsidePath(known, wanted)) return true;
      return false;
    },
  };
}
