// Stage: `${env:NAME}`, `${a.b}` and `???` in string values, after defaults and overrides are in place.
// - `${env:NAME}`: only names starting with VADC_ or allowed by the caller (`--allow-env NAME`): a recipe from
//   elsewhere must not read arbitrary secrets out of the environment.
// - `${a.b}`: another value of the recipe; a string that is exactly one reference takes the value's type.
// - `???`: a value an extending recipe or --set must supply; left in place, it is an error.
import { parse as parseYaml } from 'yaml';
import { errorAt, warningAt, type Diagnostic } from '../diagnostics.ts';
import { formatKey, parseKey, type KeySegment } from '../key-path.ts';
import { MAX_INTERPOLATED_LENGTH, MAX_REFERENCE_NODES } from '../limits.ts';
import { cloneNode, nodeAt, walkNodes, type RecipeNode } from '../parse/recipe-node.ts';
import { closestMatch } from '../suggest.ts';
import { positionOf } from './positions.ts';

/** What references may read. */
export interface InterpolationContext {
  env: Record<string, string | undefined>;
  allowEnv: readonly string[];
  /** Where to point diagnostics for values without a position. */
  fallbackFile: string;
  /**
   * 'warning' (vadc validate): an unset variable is a warning and its value stays `${env:NAME}`, its key added to
   * `unresolved`; 'error' (default, the commands that need the value): an error.
   */
  unsetEnv?: 'error' | 'warning';
  /** Receives the dotted keys left unresolved in 'warning' mode. */
  unresolved?: Set<string>;
}

/** The value meaning "must be supplied by an extending recipe or --set". */
export const MANDATORY_MARKER = '???';

const REFERENCE = /\$\{([^}]*)\}/g;

/** Replaces references in `root` in place (root must be a map); returns the diagnostics. */
export function interpolateTree(root: RecipeNode, context: InterpolationContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const state = new Map<string, 'active' | 'done'>();
  // References copy values; a chain of them can double a value per step, so copies and string lengths are bounded.
  let copiesLeft = MAX_REFERENCE_NODES;
  const tooLarge = (position: ReturnType<typeof positionOf>, key: string, what: string): void => {
    diagnostics.push(errorAt(position, 'TOO_LARGE', key, `\`${key}\` ${what}`, { hint: 'references may not multiply values: write the value out' }));
  };
  const allKeys: string[] = [];
  walkNodes(root, (_node, path) => allKeys.push(formatKey(path)));

  const replaceAt = (path: KeySegment[], node: RecipeNode): void => {
    const parent = nodeAt(root, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (parent?.kind === 'map') parent.entries.set(String(last), { ...node, keyOrigin: parent.entries.get(String(last))?.keyOrigin ?? node.origin });
    if (parent?.kind === 'list' && typeof last === 'number') parent.items[last] = node;
  };

  const resolveSubtree = (path: KeySegment[], chain: string[]): boolean => {
    const node = nodeAt(root, path);
    if (node === undefined) return false;
    if (node.kind === 'map') for (const key of [...node.entries.keys()]) resolveSubtree([...path, key], chain);
    else if (node.kind === 'list') node.items.forEach((_item, index) => resolveSubtree([...path, index], chain));
    else resolveScalar(path, node, chain);
    return true;
  };

  const resolveScalar = (path: KeySegment[], node: RecipeNode & { kind: 'scalar' }, chain: string[]): void => {
    const key = formatKey(path);
    if (typeof node.value !== 'string' || state.get(key) === 'done') return;
    if (state.get(key) === 'active') {
      diagnostics.push(errorAt(positionOf(node, context.fallbackFile), 'REFERENCE_CYCLE', key, `references form a cycle: ${[...chain, key].join(' -> ')}`));
      return;
    }
    state.set(key, 'active');
    const text = node.value;
    const position = positionOf(node, context.fallbackFile);
    const whole = /^\$\{([^}]*)\}$/.exec(text);
    const lookup = (expression: string): RecipeNode | undefined => {
      if (expression.startsWith('env:')) {
        const name = expression.slice(4);
        if (!name.startsWith('VADC_') && !context.allowEnv.includes(name)) {
          diagnostics.push(errorAt(position, 'ENV_NOT_ALLOWED', key, `the environment variable ${name} may not be read by a recipe`, { hint: `only VADC_* names are read unless allowed: pass --allow-env ${name}` }));
          return undefined;
        }
        const value = context.env[name];
        if (value === undefined) {
          const hint = `set ${name}, or override the value with --set ${key}=...`;
          if (context.unsetEnv === 'warning') {
            diagnostics.push(warningAt(position, 'ENV_UNSET', key, `the environment variable ${name} is not set (the recipe is valid; commands that need \`${key}\` will fail until it is)`, hint));
            context.unresolved?.add(key);
          } else diagnostics.push(errorAt(position, 'ENV_UNSET', key, `the environment variable ${name} is not set`, { hint }));
          return undefined;
        }
        return { kind: 'scalar', origin: node.origin, value: whole ? scalarFromText(value) : value };
      }
      const targetPath = parseKey(expression.trim());
      const target = targetPath === undefined ? undefined : nodeAt(root, targetPath);
      if (targetPath === undefined || target === undefined) {
        const suggestion = closestMatch(expression.trim(), allKeys);
        diagnostics.push(errorAt(position, 'REFERENCE_NOT_FOUND', key, `\`\${${expression}}\` names no value of the recipe`, suggestion === undefined ? {} : { hint: `did you mean \`\${${suggestion}}\`?` }));
        return undefined;
      }
      resolveSubtree(targetPath, [...chain, key]);
      return nodeAt(root, targetPath);
    };

    if (whole !== null) {
      const target = lookup(whole[1]!);
      let size = 0;
      if (target !== undefined) walkNodes(target, () => void size++);
      copiesLeft -= size;
      if (target !== undefined && copiesLeft < 0) tooLarge(position, key, `copies more than ${MAX_REFERENCE_NODES} values through references`);
      else if (target !== undefined) replaceAt(path, { ...cloneNode(target), origin: node.origin });
    } else if (text.includes('${')) {
      let failed = false;
      let length = text.length;
      const replaced = text.replace(REFERENCE, (_match, expression: string) => {
        if (failed) return '';
        const target = lookup(expression);
        if (target === undefined) {
          failed = true;
          return '';
        }
        length += target.kind === 'scalar' ? String(target.value).length : 0;
        if (length > MAX_INTERPOLATED_LENGTH) {
          tooLarge(position, key, `would be longer than ${MAX_INTERPOLATED_LENGTH} characters after interpolation`);
          failed = true;
          return '';
        }
        if (target.kind !== 'scalar') {
          diagnostics.push(errorAt(position, 'REFERENCE_NOT_SCALAR', key, `\`\${${expression}}\` is a ${target.kind}; only single values can be part of a string`));
          failed = true;
          return '';
        }
        return String(target.value);
      });
      if (!failed) replaceAt(path, { ...node, value: replaced });
    }
    state.set(key, 'done');
  };

  resolveSubtree([], []);
  walkNodes(root, (node, path) => {
    if (node.kind === 'scalar' && node.value === MANDATORY_MARKER) {
      diagnostics.push(errorAt(positionOf(node, context.fallbackFile), 'MISSING_VALUE', formatKey(path), `\`${formatKey(path)}\` must be supplied (it is \`???\`)`, {
        hint: `set it in a recipe that extends this one, or pass --set ${formatKey(path)}=...`,
      }));
    }
  });
  return diagnostics;
}

/** An environment value read as a YAML scalar (`3` -> 3, `true` -> true); anything else stays a string. */
function scalarFromText(text: string): string | number | boolean | null {
  try {
    const value: unknown = parseYaml(text);
    return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : text;
  } catch {
    return text;
  }
}
