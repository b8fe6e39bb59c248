// `--path-map from=to`: a worker that sees the shared dataset and output folder at other paths than the coordinator
// (another machine, a container's volume) rewrites the paths a job names. The first matching prefix wins; a prefix
// matches whole path components only (/data does not map /database). Mapping rewrites; `--allow-root` confines:
// after mapping, every path a job reads or writes must lie, links resolved, inside one of the worker's roots.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from '../command.ts';

/** One prefix rewrite. */
export interface PathMapping {
  from: string;
  to: string;
}

/** Parses the repeated `--path-map from=to` values. */
export function parsePathMaps(values: readonly string[]): PathMapping[] {
  return values.map((value) => {
    const at = value.indexOf('=');
    const from = value.slice(0, at).replace(/\/+$/, '');
    const to = value.slice(at + 1).replace(/\/+$/, '');
    if (at <= 0 || !from.startsWith('/') || !to.startsWith('/')) throw new UsageError(`--path-map must be /from=/to (two absolute folders), not "${value}"`);
    return { from, to };
  });
}

/** `path` with the first matching prefix rewritten; unchanged when none matches. */
export function mapPath(path: string, mappings: readonly PathMapping[]): string {
  for (const { from, to } of mappings) {
    if (path === from) return to;
    if (path.startsWith(`${from}/`)) return `${to}${path.slice(from.length)}`;
  }
  return path;
}

/**
 * `path` with its links resolved (the longest part that exists, then the rest as written), when that lies inside
 * one of `roots` (folders already resolved the same way); null when it does not. A path that does not exist yet
 * (a new run folder) is judged by the folder it would be created in.
 */
export async function confinedPath(path: string, roots: readonly string[]): Promise<string | null> {
  const resolved = await resolveLinks(resolve(path));
  return roots.some((root) => resolved === root || resolved.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) ? resolved : null;
}

/** `path` (absolute) with the links of its longest existing prefix resolved. */
export async function resolveLinks(path: string): Promise<string> {
  const rest: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(await realpath(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(basename(existing));
      existing = parent;
    }
  }
}
