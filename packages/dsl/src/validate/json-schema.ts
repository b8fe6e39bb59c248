// The JSON Schema object type, in a file of its own: schema.ts builds schemas and calls editor-schema.ts, which
// annotates them; both name the type, and neither imports the other back.

/** A JSON Schema object (draft-07, plus ajv's `discriminator`). */
export type JsonSchema = { [keyword: string]: unknown };
