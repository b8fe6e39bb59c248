// `--path-map from=to`: a worker that sees the shared dataset and output folder at other paths than the coordinator
// (another machine, a container's volume) rewrites the paths a job names. The first matching prefix wins; a prefix
// matches whole path components only (/data does not map /database).
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
