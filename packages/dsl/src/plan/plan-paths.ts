// Reading a Plan by dotted key, as sweeps and `--set` name values: `model.encoder.block`, `stages.1.epochs`, or a
// stage by its name, `stages.teacher.epochs`.
import type { KeySegment } from '../key-path.ts';

/** The value at a key path of plain JSON data, or undefined when the path names nothing. */
export function valueAtKey(data: unknown, path: readonly KeySegment[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (Array.isArray(current)) {
      current = typeof segment === 'number'
        ? current[segment]
        : current.find((item: unknown) => typeof item === 'object' && item !== null && (item as { name?: unknown }).name === segment);
    } else if (typeof current === 'object' && current !== null) {
      current = Object.prototype.hasOwnProperty.call(current, String(segment)) ? (current as Record<string, unknown>)[String(segment)] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}
