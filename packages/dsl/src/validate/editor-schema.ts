// The recipe schema as editors get it (recipes/vadc.schema.json, `vadc schema`), from the recipe-mode schema (which
// already carries each key's description and default, from plan/recipe-keys.ts): a value may also be a placeholder
// (`???`, `${env:NAME}`, `${a.b}`), allowed WITHOUT an anyOf: the type gains `string` and a `pattern` (numbers keep
// their bounds, which apply to numbers only; enums become a pattern with the values as `examples`), so a mistake is
// one error, not one per alternative.
import type { JsonSchema } from '../plan/json-schema.ts';

/** `???` or a string holding a `${...}` reference. */
const PLACEHOLDER = '^\\?\\?\\?$|\\$\\{[^}]+\\}';
const PLACEHOLDER_TEXT = 'a ${env:NAME} / ${a.b} reference or ??? (supplied later)';

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
