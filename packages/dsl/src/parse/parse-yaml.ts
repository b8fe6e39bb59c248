// Stage 1: YAML text -> a located node tree. Syntax errors, duplicate keys and tags are diagnostics; a recipe is data,
// so the only tags accepted are YAML's own core ones (`!!str` and the like), never custom object constructors.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { errorAt, type Diagnostic, type SourcePosition } from '../diagnostics.ts';
import { formatKey, type KeySegment } from '../key-path.ts';
import { MAX_RECIPE_NODES } from '../limits.ts';
import { mapNode, valueOfNode, type RecipeNode, type ScalarValue } from './recipe-node.ts';

/** The result of parsing one recipe file: a tree (undefined when the YAML itself is broken) and its diagnostics. */
export interface ParsedFile {
  tree: RecipeNode | undefined;
  diagnostics: Diagnostic[];
}

const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Parses YAML text of `file` into a located tree; an empty file is an empty map. */
export function parseRecipeText(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false, version: '1.2' });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const problem of [...document.errors, ...document.warnings.filter((warning) => warning.code === 'TAG_RESOLVE_FAILED')]) {
    const code = problem.code === 'DUPLICATE_KEY' ? 'DUPLICATE_KEY' : problem.code === 'TAG_RESOLVE_FAILED' ? 'TAG_NOT_ALLOWED' : 'YAML_SYNTAX';
    const key = formatKey(pathAtOffset(document, problem.pos[0]));
    const message = firstLine(problem.message);
    diagnostics.push(errorAt(position(problem.pos[0]), code, key, code === 'DUPLICATE_KEY' ? `duplicate key \`${key.split('.').pop() ?? ''}\`` : message,
      code === 'DUPLICATE_KEY' ? { hint: 'each key may appear once per map; remove one of them' } : {}));
  }
  if (diagnostics.length > 0) return { tree: undefined, diagnostics };
  if (document.contents === null) return { tree: mapNode({ file, line: 1, column: 1 }), diagnostics };
  const tree = convert(document.contents, { document, position, diagnostics, nodesLeft: MAX_RECIPE_NODES }, []);
  return { tree: diagnostics.length > 0 ? undefined : tree, diagnostics };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** What convert threads through the tree: the document, positions, diagnostics and the node budget left. */
interface ConvertState {
  document: Document;
  position: (offset: number) => SourcePosition;
  diagnostics: Diagnostic[];
  nodesLeft: number;
}

function convert(node: YamlNode, state: ConvertState, path: KeySegment[]): RecipeNode {
  const { document, position, diagnostics } = state;
  const origin = position(node.range?.[0] ?? 0);
  // Every node built counts, aliases at each use: an alias bomb stops at the first node over the budget.
  if (--state.nodesLeft < 0) {
    if (state.nodesLeft === -1) {
      diagnostics.push(errorAt(origin, 'TOO_LARGE', formatKey(path), `the recipe expands to more than ${MAX_RECIPE_NODES} values (YAML aliases are copied at every use)`,
        { hint: 'write the values out, or use fewer nested aliases' }));
    }
    return { kind: 'scalar', origin, value: null };
  }
  if (node.tag !== undefined && !node.tag.startsWith(CORE_TAG_PREFIX)) {
    diagnostics.push(errorAt(origin, 'TAG_NOT_ALLOWED', formatKey(path), `the YAML tag \`${node.tag}\` is not allowed: recipes are data`, { hint: 'remove the tag' }));
  }
  if (isAlias(node)) {
    const target = node.resolve(document);
    return target === undefined ? { kind: 'scalar', origin, value: null } : { ...convert(target, state, path), origin };
  }
  if (isMap(node)) {
    const result = mapNode(origin);
    for (const pair of node.items) {
      if (state.nodesLeft < 0) break;
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyOrigin = position(keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
      const keyValue = isScalar(keyNode) ? keyNode.value : undefined;
      if (keyValue === undefined || keyValue === null || typeof keyValue === 'object') {
        diagnostics.push(errorAt(keyOrigin, 'KEY_NOT_STRING', formatKey(path), 'map keys must be plain words'));
        continue;
      }
      const key = String(keyValue);
      const valueNode = pair.value as YamlNode | null;
      const child: RecipeNode = valueNode === null
        ? { kind: 'scalar', origin: position(keyNode?.range?.[1] ?? 0), value: null }
        : convert(valueNode, state, [...path, key]);
      result.entries.set(key, { ...child, keyOrigin });
    }
    return result;
  }
  if (isSeq(node)) {
    const items: RecipeNode[] = [];
    for (const [index, item] of node.items.entries()) {
      if (state.nodesLeft < 0) break;
      items.push(convert(item as YamlNode, state, [...path, index]));
    }
    return { kind: 'list', origin, items };
  }
  if (isScalar(node)) {
    const value = node.value;
    const scalar: ScalarValue = typeof value === 'bigint' ? Number(value) : (value as ScalarValue);
    return { kind: 'scalar', origin, value: scalar };
  }
  return { kind: 'scalar', origin, value: null };
}

/**
 * The dotted path of the last key (or list item) that starts at or before `offset`, in document order: the value
 * being written when the parser stopped (best effort, for messages).
 */
function pathAtOffset(document: Document, offset: number): KeySegment[] {
  let best: KeySegment[] = [];
  let bestStart = -1;
  const consider = (start: number | undefined, path: KeySegment[]): void => {
    if (start !== undefined && start <= offset && start >= bestStart) {
      best = path;
      bestStart = start;
    }
  };
  const visit = (node: unknown, path: KeySegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        consider((pair.key as YamlNode | null)?.range?.[0], [...path, key]);
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (isMap(item) || isSeq(item)) consider((item as YamlNode).range?.[0], [...path, index]);
        visit(item, [...path, index]);
      });
    }
  };
  visit(document.contents, []);
  return best;
}

/** Plain data of a recipe text (no extends, defaults or checks), or its YAML diagnostics. For editors and tests. */
export function parseRecipeData(text: string, file: string): { ok: true; value: unknown } | { ok: false; diagnostics: Diagnostic[] } {
  const parsed = parseRecipeText(text, file);
  return parsed.tree === undefined ? { ok: false, diagnostics: parsed.diagnostics } : { ok: true, value: valueOfNode(parsed.tree) };
}
