// A recipe value tree that remembers where every value was written. Files are parsed into it, merged through
// `extends` and `--set`, given defaults, and only then turned into plain JSON: so an error found late still points
// at the file, line and column the value came from.
import type { SourcePosition } from '../diagnostics.ts';
import type { KeySegment } from '../key-path.ts';

/** Where a node's value came from: a source position, or a built-in default. */
export type NodeOrigin = SourcePosition | 'default';

/** A scalar as YAML's core schema yields it. */
export type ScalarValue = string | number | boolean | null;

interface NodeBase {
  /** Where the value was written. */
  origin: NodeOrigin;
  /** Where its key was written (for unknown-key errors); absent for list items and the root. */
  keyOrigin?: NodeOrigin;
  /**
   * The tag a value was written under in a short form (`adamw` of `optimizer: { adamw: { lr: 1.0e-3 } }`): the
   * canonical tree drops that level, errors put it back so their key is the one the user wrote.
   */
  shortForm?: string;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  entries: Map<string, RecipeNode>;
}

export interface ListNode extends NodeBase {
  kind: 'list';
  items: RecipeNode[];
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: ScalarValue;
}

export type RecipeNode = MapNode | ListNode | ScalarNode;

/** A map node with the given entries. */
export function mapNode(origin: NodeOrigin, entries: Iterable<[string, RecipeNode]> = []): MapNode {
  return { kind: 'map', origin, entries: new Map(entries) };
}

/** Builds a node tree from plain JSON data, every node with the same origin (used for defaults and --set values). */
export function nodeFromValue(value: unknown, origin: NodeOrigin): RecipeNode {
  if (Array.isArray(value)) return { kind: 'list', origin, items: value.map((item) => nodeFromValue(item, origin)) };
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, entry]): [string, RecipeNode] => [key, { ...nodeFromValue(entry, origin), keyOrigin: origin }]);
    return mapNode(origin, entries);
  }
  return { kind: 'scalar', origin, value: value as ScalarValue };
}

/** Plain JSON data of a node tree. */
export function valueOfNode(node: RecipeNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'list') return node.items.map(valueOfNode);
  return Object.fromEntries([...node.entries].map(([key, entry]) => [key, valueOfNode(entry)]));
}

/** The child of a map (by key) or list (by index, or by the `name` of a map item: `stages.teacher`), if any. */
export function childOf(node: RecipeNode | undefined, segment: KeySegment): RecipeNode | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'map') return node.entries.get(String(segment));
  if (node.kind === 'list' && typeof segment === 'number') return node.items[segment];
  if (node.kind === 'list') {
    return node.items.find((item) => {
      const name = item.kind === 'map' ? item.entries.get('name') : undefined;
      return name?.kind === 'scalar' && name.value === segment;
    });
  }
  return undefined;
}

/** The node at a path, if any. */
export function nodeAt(root: RecipeNode, path: readonly KeySegment[]): RecipeNode | undefined {
  let node: RecipeNode | undefined = root;
  for (const segment of path) node = childOf(node, segment);
  return node;
}

/** Every node on the way to a path (root first), stopping where the path leaves the tree. */
export function nodesAlong(root: RecipeNode, path: readonly KeySegment[]): RecipeNode[] {
  const nodes: RecipeNode[] = [root];
  let node: RecipeNode | undefined = root;
  for (const segment of path) {
    node = childOf(node, segment);
    if (node === undefined) break;
    nodes.push(node);
  }
  return nodes;
}

/** Calls `visit` for every node, depth first, with its path. */
export function walkNodes(node: RecipeNode, visit: (node: RecipeNode, path: KeySegment[]) => void, path: KeySegment[] = []): void {
  visit(node, path);
  if (node.kind === 'map') for (const [key, child] of node.entries) walkNodes(child, visit, [...path, key]);
  if (node.kind === 'list') node.items.forEach((child, index) => walkNodes(child, visit, [...path, index]));
}

/** Deep copy of a node tree (origins are shared, they are immutable). */
export function cloneNode(node: RecipeNode): RecipeNode {
  if (node.kind === 'scalar') return { ...node };
  if (node.kind === 'list') return { ...node, items: node.items.map(cloneNode) };
  return { ...node, entries: new Map([...node.entries].map(([key, child]) => [key, cloneNode(child)])) };
}

/**
 * `over` laid on `base`: maps merge key by key (deeply), anything else (lists, scalars, a map over a non-map) is
 * replaced whole. Inputs are not modified.
 */
export function mergeNodes(base: RecipeNode, over: RecipeNode): RecipeNode {
  if (base.kind !== 'map' || over.kind !== 'map') return cloneNode(over);
  const merged = mapNode(over.origin, [...base.entries].map(([key, child]): [string, RecipeNode] => [key, cloneNode(child)]));
  if (over.keyOrigin !== undefined) merged.keyOrigin = over.keyOrigin;
  for (const [key, child] of over.entries) {
    const existing = merged.entries.get(key);
    merged.entries.set(key, existing === undefined ? cloneNode(child) : mergeNodes(existing, child));
  }
  return merged;
}
