// Resolved Plans list their keys in the schema's order (the order of plan/recipe-keys.ts), whatever order the
// recipes and defaults were merged in, so rendered Plans read the same every time. (The hash does not depend on it.)
import type { JsonSchema } from './json-schema.ts';

/** A copy of `value` with object keys in the order `schema` declares them (unknown keys last, in their order). */
export function orderBySchema(value: unknown, schema: JsonSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => orderBySchema(item, schema?.items as JsonSchema | undefined));
  if (value === null || typeof value !== 'object') return value;
  const properties: Record<string, JsonSchema> = { ...((schema?.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  for (const branch of (schema?.oneOf as JsonSchema[] | undefined) ?? []) Object.assign(properties, branch.properties as Record<string, JsonSchema>);
  const record = value as Record<string, unknown>;
  const keys = [...Object.keys(properties).filter((key) => key in record), ...Object.keys(record).filter((key) => !(key in properties))];
  return Object.fromEntries(keys.map((key) => [key, orderBySchema(record[key], properties[key])]));
}
