// Differences between the resolved recipes of several runs, by dotted key, for `vadc compare`.

/** Leaf values of a JSON value by dotted key (list items by index). */
export function flattenJson(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    if (entries.length === 0) into.set(prefix, value);
    for (const [key, item] of entries) flattenJson(item, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

/** Keys whose values differ between any of the documents, each with the value per document (undefined = absent). */
export function differingKeys(documents: unknown[]): Array<{ key: string; values: unknown[] }> {
  const flat = documents.map((document) => flattenJson(document));
  const keys = [...new Set(flat.flatMap((map) => [...map.keys()]))].sort();
  return keys
    .map((key) => ({ key, values: flat.map((map) => map.get(key)) }))
    .filter(({ values }) => new Set(values.map((value) => JSON.stringify(value))).size > 1);
}
