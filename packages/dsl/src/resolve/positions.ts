// Turning node origins into positions for diagnostics: a value that came from a default has no line of its own, so
// its diagnostic points at the nearest enclosing value the user wrote (or the top recipe's first line).
import type { SourcePosition } from '../diagnostics.ts';
import { nodesAlong, type NodeOrigin, type RecipeNode } from '../parse/recipe-node.ts';
import type { KeySegment } from '../key-path.ts';

/** The origin as a position, falling back to line 1 of `fallbackFile` for defaults. */
export function positionOf(node: { origin: NodeOrigin } | undefined, fallbackFile: string): SourcePosition {
  const origin = node?.origin;
  return origin === undefined || origin === 'default' ? { file: fallbackFile, line: 1, column: 1 } : origin;
}

/**
 * Where to report a problem with the value at `path`: the value itself if the user wrote it, else its nearest
 * ancestor the user wrote; with `atKey`, the key's position instead of the value's (unknown keys).
 */
export function positionAtPath(root: RecipeNode, path: readonly KeySegment[], fallbackFile: string, atKey = false): SourcePosition {
  const nodes = nodesAlong(root, path);
  const last = nodes.length - 1;
  for (let index = last; index >= 0; index -= 1) {
    const node = nodes[index]!;
    const origin = atKey && index === last && index === path.length && node.keyOrigin !== undefined ? node.keyOrigin : node.origin;
    if (origin !== 'default') return origin;
  }
  return { file: fallbackFile, line: 1, column: 1 };
}
