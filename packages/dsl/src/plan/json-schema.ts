// The JSON Schema object type, in a file of its own: the key builder (declare.ts) produces schemas, validation and
// the editor schema read them; all name the type, and none imports another back.

/** A JSON Schema object (draft-07, plus ajv's `discriminator`). */
export type JsonSchema = { [keyword: string]: unknown };
