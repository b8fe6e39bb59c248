// Schema versions: every recipe file says which version of the recipe language it was written for (`vadc: 1`).
// Older versions are upgraded by a registry of steps, each a small tree rewrite that keeps source positions, with a
// warning per change; versions newer than this build are refused, never guessed at.
import { errorAt, SET_FILE, warningAt, type Diagnostic } from '../diagnostics.ts';
import type { KeySegment } from '../key-path.ts';
import { childOf, mapNode, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { positionOf } from './positions.ts';

/** The recipe schema version this build reads and writes. */
export const CURRENT_VERSION = 1;

/** One upgrade step from version `from` to `from + 1`: renames keys in place and reports each change. */
export interface UpgradeStep {
  from: number;
  summary: string;
  /** Rewrites the tree in place; returns one note per change, e.g. '`scoring.alpha` is now `scoring.weights.teacher`'. */
  apply(tree: MapNode): string[];
}

/** Moves the entry at `from` to `to` (creating maps on the way), keeping its origins. Returns whether it moved. */
function moveEntry(tree: MapNode, from: KeySegment[], to: KeySegment[]): boolean {
  const parent = from.slice(0, -1).reduce<RecipeNode | undefined>((node, segment) => childOf(node, segment), tree);
  const last = String(from[from.length - 1]);
  if (parent?.kind !== 'map' || !parent.entries.has(last)) return false;
  const node = parent.entries.get(last)!;
  parent.entries.delete(last);
  let target: MapNode = tree;
  for (const segment of to.slice(0, -1)) {
    const next = target.entries.get(String(segment));
    if (next?.kind === 'map') target = next;
    else {
      const created = mapNode(node.origin);
      target.entries.set(String(segment), created);
      target = created;
    }
  }
  target.entries.set(String(to[to.length - 1]), node);
  return true;
}

function renames(pairs: Array<[string, string]>): (tree: MapNode) => string[] {
  return (tree) => pairs.flatMap(([from, to]) => (moveEntry(tree, from.split('.'), to.split('.')) ? [`\`${from}\` is now \`${to}\``] : []));
}

/** The registry of upgrade steps, oldest first. */
export const upgradeSteps: UpgradeStep[] = [
  {
    // The draft language named the scoring weights after the paper's symbols and the mask ratio after the official code.
    from: 0,
    summary: 'draft recipes: scoring.alpha/beta/gamma and masking.mask_ratio',
    apply: renames([
      ['scoring.alpha', 'scoring.weights.teacher'],
      ['scoring.beta', 'scoring.weights.discrepancy'],
      ['scoring.gamma', 'scoring.weights.anomaly_map'],
      ['masking.mask_ratio', 'masking.ratio'],
    ]),
  },
];

/** Keys renamed within the current version: still read, each with a warning that names the new key. */
export const KEY_ALIASES: ReadonlyArray<{ from: string; to: string; why: string }> = [
  { from: 'runtime.train_engine', to: 'runtime.engine', why: 'it now chooses the engine of training and scoring alike, and defaults to auto' },
];

/**
 * Renames the aliased keys of a merged recipe tree (files and --set values) to their current names, in place,
 * warning at each. An alias wins over the new key written beside it, since it was written to be used.
 */
export function renameKeyAliases(tree: MapNode, file: string): Diagnostic[] {
  return KEY_ALIASES.flatMap(({ from, to, why }) => {
    const segments = from.split('.');
    const node = segments.reduce<RecipeNode | undefined>((at, segment) => childOf(at, segment), tree);
    if (node === undefined) return [];
    const current = to.split('.').reduce<RecipeNode | undefined>((at, segment) => childOf(at, segment), tree);
    const fromSet = (candidate: RecipeNode | undefined) => candidate !== undefined && candidate.origin !== 'default' && candidate.origin.file === SET_FILE;
    // A --set of the new key beats the alias a recipe file wrote; otherwise the alias moves onto the new key.
    if (fromSet(current) && !fromSet(node)) {
      const parent = segments.slice(0, -1).reduce<RecipeNode | undefined>((at, segment) => childOf(at, segment), tree);
      if (parent?.kind === 'map') parent.entries.delete(segments[segments.length - 1]!);
    } else moveEntry(tree, segments, to.split('.'));
    return [warningAt(positionOf(node, file), 'UPGRADED', from, `\`${from}\` is now \`${to}\`: ${why}`, `write \`${to}: ${node.kind === 'scalar' ? String(node.value) : '...'}\``)];
  });
}

/**
 * Checks a file's `vadc:` version and upgrades its tree in place to CURRENT_VERSION. A missing version is read as
 * current (with a warning); a version newer than this build, or older than any step, is an error.
 */
export function upgradeTree(tree: MapNode, file: string): Diagnostic[] {
  const versionNode = tree.entries.get('vadc');
  if (versionNode === undefined) {
    return [warningAt({ file, line: 1, column: 1 }, 'VERSION_MISSING', 'vadc', `no \`vadc:\` version; read as version ${CURRENT_VERSION}`, `add \`vadc: ${CURRENT_VERSION}\` at the top`)];
  }
  const position = positionOf(versionNode, file);
  const version = versionNode.kind === 'scalar' ? versionNode.value : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return [errorAt(position, 'VERSION_INVALID', 'vadc', 'the recipe version must be a whole number', { expected: String(CURRENT_VERSION), found: String(version ?? 'a map or list') })];
  }
  if (version > CURRENT_VERSION) {
    return [errorAt(position, 'VERSION_UNSUPPORTED', 'vadc', `this recipe is written for recipe version ${version}; this vadc reads versions up to ${CURRENT_VERSION}`, {
      expected: `<= ${CURRENT_VERSION}`, found: String(version), hint: 'update vadc, or rewrite the recipe for version 1',
    })];
  }
  const oldest = upgradeSteps[0]?.from ?? CURRENT_VERSION;
  if (version < oldest) {
    return [errorAt(position, 'VERSION_UNSUPPORTED', 'vadc', `recipe version ${version} is older than any this vadc can upgrade (${oldest})`, { expected: `>= ${oldest}`, found: String(version) })];
  }
  const notes: Diagnostic[] = [];
  for (let from = version; from < CURRENT_VERSION; from += 1) {
    const step = upgradeSteps.find((candidate) => candidate.from === from);
    if (step === undefined) return [errorAt(position, 'VERSION_UNSUPPORTED', 'vadc', `no upgrade from recipe version ${from}`)];
    for (const note of step.apply(tree)) {
      notes.push(warningAt(position, 'UPGRADED', 'vadc', `upgraded from version ${from}: ${note}`, `set \`vadc: ${CURRENT_VERSION}\` and use the new names`));
    }
  }
  tree.entries.set('vadc', { ...versionNode, value: CURRENT_VERSION } as RecipeNode);
  return notes;
}

