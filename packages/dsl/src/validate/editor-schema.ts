// The recipe schema as editors get it (recipes/vadc.schema.json, `vadc schema`), from the recipe-mode schema:
// - every key gets its description (validate/key-docs.ts) and its default (resolve/defaults.ts);
// - a value may also be a placeholder (`???`, `${env:NAME}`, `${a.b}`), allowed WITHOUT an anyOf: the type gains
//   `string` and a `pattern` (numbers keep their bounds, which apply to numbers only; enums become a pattern with the
//   values as `examples`), so a mistake is one error, not one per alternative.
import { calibrationDefaults, defaultStages, gaussianSmoothingDefaults, sectionDefaults, stageDefaults, syntheticDataDefaults, validationDefaults } from '../resolve/defaults.ts';
import { docKey, KEY_DOCS } from './key-docs.ts';
import type { JsonSchema } from './json-schema.ts';

/** `???` or a string holding a `${...}` reference. */
const PLACEHOLDER = '^\\?\\?\\?$|\\$\\{[^}]+\\}';
const PLACEHOLDER_TEXT = 'a ${env:NAME} / ${a.b} reference or ??? (supplied later)';

/** Keys whose dotted paths hold a tagged object (short forms drop the tag level). */
const TAGGED = new Set(['stages.*.optimizer', 'stages.*.schedule', 'scoring.smoothing']);

/** Keys of the root that take no placeholder (the loader reads them before references are resolved). */
const LITERAL_KEYS = new Set(['vadc', 'extends']);

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : []);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The editor schema of the recipe-mode schema `recipe`. */
export function editorSchema(recipe: JsonSchema): JsonSchema {
  return annotate(recipe, []);
}

function annotate(schema: JsonSchema, path: string[]): JsonSchema {
  const result: JsonSchema = { ...schema };
  if (path.length > 0) Object.assign(result, documentation(path));
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties !== undefined) {
    result.properties = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, annotate(child, [...path, key])]));
  }
  if (schema.items !== undefined && typeof schema.items === 'object') result.items = annotate(schema.items as JsonSchema, [...path, '0']);
  return path.length === 1 && LITERAL_KEYS.has(path[0]!) ? result : withPlaceholder(result);
}

/** The schema also accepting a placeholder, as one schema (see the file comment). */
function withPlaceholder(schema: JsonSchema): JsonSchema {
  if (schema.const !== undefined) return schema;
  const types = typesOf(schema);
  if (Array.isArray(schema.enum)) {
    const { enum: values, ...rest } = schema;
    // A nullable enum (e.g. `validation.generator: null`) keeps null as a type; the pattern covers the strings.
    const names = (values as Array<string | null>).filter((value): value is string => value !== null);
    const nullable = names.length < (values as unknown[]).length;
    const allowed = names.map(escape).join('|');
    return { ...rest, type: nullable ? ['string', 'null'] : 'string', pattern: `^(?:${allowed})$|${PLACEHOLDER}`, examples: values, patternErrorMessage: `one of ${[...names, ...(nullable ? ['null'] : [])].join(' | ')}, or ${PLACEHOLDER_TEXT}` };
  }
  if (types.includes('string')) {
    // A tagged object's or `threads`' own string forms, widened by the placeholder; plain strings accept it already.
    return typeof schema.pattern === 'string' ? { ...schema, pattern: `${schema.pattern}|${PLACEHOLDER}`, patternErrorMessage: `${String(schema.patternErrorMessage ?? 'another form')}, or ${PLACEHOLDER_TEXT}` } : schema;
  }
  if (types.some((type) => ['number', 'integer', 'boolean', 'array'].includes(type))) {
    return { ...schema, type: [...types, 'string'], pattern: PLACEHOLDER, patternErrorMessage: `${types.filter((type) => type !== 'null').join(' or ')}, or ${PLACEHOLDER_TEXT}` };
  }
  return schema;
}

function documentation(path: string[]): JsonSchema {
  const key = docKey(path, TAGGED);
  const description = KEY_DOCS[key];
  const found = defaultOf(key.split('.'));
  if (found === undefined) return description === undefined ? {} : { description };
  if ('differs' in found) return { description: `${description ?? ''} Default: ${found.differs}.`.trim() };
  const isLeaf = found.value === null || typeof found.value !== 'object' || Array.isArray(found.value);
  return { ...(description === undefined ? {} : { description }), ...(isLeaf ? { default: found.value } : {}) };
}

/** The built-in default of a doc key, `{ differs }` when it depends on the stage kind, undefined when there is none. */
function defaultOf(path: string[]): { value: unknown } | { differs: string } | undefined {
  if (path[0] === 'stages') {
    if (path.length === 1) return { value: defaultStages };
    const teacher = valueAt(stageDefaults.teacher, path.slice(2));
    const student = valueAt(stageDefaults.student, path.slice(2));
    if (JSON.stringify(teacher) === JSON.stringify(student)) return teacher === undefined ? undefined : { value: teacher };
    return { differs: `teacher ${JSON.stringify(teacher)}, student ${JSON.stringify(student)}` };
  }
  if (path[0] === 'data' && path[1] === 'synthetic') return path.length === 2 ? undefined : wrap(valueAt(syntheticDataDefaults, path.slice(2)));
  if (path[0] === 'scoring' && path[1] === 'smoothing') return wrap(valueAt(gaussianSmoothingDefaults, path.slice(2)));
  // Sections that are null unless written: their fields default as the section's defaults say once it is written.
  if (path[0] === 'scoring' && path[1] === 'calibration' && path.length > 2) return wrap(valueAt(calibrationDefaults, path.slice(2)));
  if (path[0] === 'validation' && path.length > 1) return wrap(valueAt(validationDefaults, path.slice(1)));
  if (path[0] === 'name' || path[0] === 'extends' || path.join('.') === 'data.dataset') return undefined;
  return wrap(valueAt(sectionDefaults, path));
}

const wrap = (value: unknown): { value: unknown } | undefined => (value === undefined ? undefined : { value });

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
