#!/usr/bin/env node
// Writes recipes/vadc.schema.json, the JSON Schema editors use through each recipe's
// `# yaml-language-server: $schema=` line, from the built @vadc/dsl (run `npm run build` first).
// A test (packages/cli/src/commands/schema.test.ts) fails when the committed file is out of date.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'packages', 'dsl', 'dist', 'index.js');
if (!existsSync(built)) {
  console.error('write-schema: packages/dsl/dist is missing; run `npm run build` first');
  process.exit(2);
}
const { recipeJsonSchema } = await import(built);
const target = join(root, 'recipes', 'vadc.schema.json');
writeFileSync(target, `${JSON.stringify(recipeJsonSchema, null, 2)}\n`);
console.log(`wrote ${target}`);
