// Plain JSON documents (not recipes) against a JSON Schema, for inputs that other commands read (`vadc metrics`):
// every problem as a JSON path with what was expected and what was found, instead of hand-written checks.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from './check-schema.ts';
import type { JsonSchema } from '../plan/json-schema.ts';

/** One problem of a JSON document: where (keys and indices from the root), what was expected, what was found. */
export interface JsonIssue {
  path: Array<string | number>;
  expected: string;
  found: string;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** A short text for a found value: the JSON of a scalar, the kind of a container. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** "videos[0].labels[1]" for a path; "input" for the root. */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'input';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : /^[A-Za-z_][\w]*$/.test(part) ? `${index === 0 ? '' : '.'}${part}` : `["${part}"]`)).join('');
}

function issueOf(error: ErrorObject): JsonIssue {
  const path: Array<string | number> = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const params = error.params as Record<string, unknown>;
  const found = describeJsonValue(error.data);
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((schema.properties ?? {}) as object);
      return { path: [...path, String(params.additionalProperty)], expected: allowed.length > 0 ? `one of the keys ${allowed.join(', ')}` : 'no such key', found: 'an unknown key' };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], expected: 'a value', found: 'nothing' };
    case 'type':
      return { path, expected: `${String(params.type).replace(/,/g, ' or ')}`, found };
    case 'enum':
      return { path, expected: `one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`, found };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, expected: `a number ${String(params.comparison)} ${String(params.limit)}`, found };
    case 'minItems': case 'maxItems':
      return { path, expected: `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items`, found };
    case 'minLength':
      return { path, expected: 'a non-empty string', found };
    case 'pattern':
      return { path, expected: typeof schema.description === 'string' ? schema.description : `a string matching ${String(params.pattern)}`, found };
    case 'propertyNames':
      return { path: [...path, String(params.propertyName)], expected: 'a key matching the key rule', found: JSON.stringify(params.propertyName) };
    default:
      return { path, expected: typeof schema.description === 'string' ? schema.description : error.message ?? 'a valid value', found };
  }
}

/** Checks `value` against `schema` (compiled once per schema object); no issues when it matches. */
export function checkJson(schema: JsonSchema, value: unknown): JsonIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compileSchema(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  // `if` errors only say that a `then` branch failed; the branch's own errors say where and why.
  return (validate.errors ?? []).filter((error) => error.keyword !== 'if').map(issueOf);
}
