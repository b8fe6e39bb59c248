// Dotted keys name values the way users write them: `model.encoder.dim`, `stages.1.freeze` (list items by index).

/** One step of a key path: a map key or a list index. */
export type KeySegment = string | number;

/** `['stages', 1, 'epochs']` -> `stages.1.epochs`. */
export function formatKey(path: readonly KeySegment[]): string {
  return path.map(String).join('.');
}

/**
 * Parses `stages.1.epochs` or `stages[1].epochs`; all-digit segments become list indices. Returns undefined for an
 * empty key or an empty segment (`a..b`).
 */
export function parseKey(text: string): KeySegment[] | undefined {
  const normalised = text.replace(/\[(\d+)\]/g, '.$1');
  const parts = normalised.split('.');
  if (parts.some((part) => part.length === 0)) return undefined;
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Whether `prefix` is a prefix of `path` (segment-wise). */
export function startsWith(path: readonly KeySegment[], prefix: readonly KeySegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => String(path[index]) === String(segment));
}
