// A generated test: for every leaf (single value) of every shipped recipe, write a wrong type, an out-of-range value
// and a misspelt key in its place, resolve the file (and its sweep), and require an error that names that leaf's
// dotted key as written (short forms `optimizer: { adamw: { lr } }` included) and its line. Union-typed sections
// (tagged optimizers / schedules / smoothing, `data.synthetic`) are where errors used to stop at the parent map.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandSweep, parseRecipeText, planJsonSchema, resolveRecipe, type Diagnostic, type JsonSchema, type KeySegment, type RecipeNode } from '@vadc/dsl';
import { describe, expect, it } from 'vitest';
import { diskReader } from '../../runtime/src/experiment/recipe-reader.ts';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const env = { VADC_AVENUE_ROOT: '/data/avenue', VADC_SHANGHAITECH_ROOT: '/data/shanghaitech', VADC_PED2_ROOT: '/data/ped2', VADC_UBNORMAL_ROOT: '/data/ubnormal' };
const TAGGED_SITES = [/^stages\.\d+\.(optimizer|schedule)$/, /^scoring\.smoothing$/];

interface Leaf {
  /** The key as written in the file. */
  written: KeySegment[];
  /** The Plan key it sets (short-form tags dropped), for looking up the schema. */
  canonical: KeySegment[];
  value: unknown;
  line: number;
  column: number;
  keyColumn?: number;
  keyName?: string;
}

async function shippedRecipes(folder = join(repository, 'recipes')): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? shippedRecipes(join(folder, entry.name)) : Promise.resolve(entry.name.endsWith('.yaml') ? [join(folder, entry.name)] : []))));
  return nested.flat().sort();
}

function leavesOf(node: RecipeNode, written: KeySegment[] = [], canonical: KeySegment[] = []): Leaf[] {
  if (node.kind === 'map') {
    const tagged = TAGGED_SITES.some((site) => site.test(canonical.join('.')));
    return [...node.entries].flatMap(([key, child]) => leavesOf(child, [...written, key], tagged ? canonical : [...canonical, key]));
  }
  if (node.kind === 'list') return node.items.flatMap((child, index) => leavesOf(child, [...written, index], [...canonical, index]));
  if (node.origin === 'default') return [];
  const key = node.keyOrigin !== undefined && node.keyOrigin !== 'default' ? { keyColumn: node.keyOrigin.column, keyName: String(written[written.length - 1]) } : {};
  return [{ written, canonical, value: node.value, line: node.origin.line, column: node.origin.column, ...key }];
}

/** The Plan schema of a key, following objects, lists, nullable types and the smoothing branches. */
function schemaAt(path: readonly KeySegment[]): JsonSchema | undefined {
  let schema: JsonSchema | undefined = planJsonSchema;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    const branches = (schema.oneOf ?? []) as JsonSchema[];
    schema = typeof segment === 'number'
      ? (schema.items as JsonSchema | undefined)
      : properties?.[segment] ?? branches.map((branch) => (branch.properties as Record<string, JsonSchema>)[segment]).find((found) => found !== undefined && found.const === undefined)
        ?? (schema.additionalProperties as JsonSchema | undefined);
  }
  return schema;
}

/** A value the schema rejects for its range (not its type), or undefined when the key has no range. */
function outOfRange(schema: JsonSchema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  if (Array.isArray(schema.enum)) return 'not-a-kind';
  if (schema.const !== undefined) return String(Number(schema.const) + 1);
  if (typeof schema.maximum === 'number') return String(schema.maximum + 1);
  if (typeof schema.minimum === 'number') return String(schema.minimum - 1);
  if (typeof schema.exclusiveMinimum === 'number') return String(schema.exclusiveMinimum);
  if (schema.minLength === 1) return "''";
  return undefined;
}

/** The text of the value starting at (line, column): a quoted string, or a plain scalar up to `,` `]` `}` or a comment. */
function replaceValue(lines: string[], leaf: Leaf, replacement: string): string {
  const text = lines[leaf.line - 1]!;
  const start = leaf.column - 1;
  let end: number;
  const quote = text[start];
  if (quote === "'" || quote === '"') end = text.indexOf(quote, start + 1) + 1;
  else {
    const stop = text.slice(start).search(/\s*(,|\]|\}|\s#|$)/);
    end = start + stop;
  }
  return [...lines.slice(0, leaf.line - 1), `${text.slice(0, start)}${replacement}${text.slice(end)}`, ...lines.slice(leaf.line)].join('\n');
}

/** The abstract base is resolved through a child that supplies its `???` (the dataset). */
async function errorsOf(path: string): Promise<Diagnostic[]> {
  const options = { reader: diskReader, env };
  if (path.endsWith('/base/aed-mae.yaml')) {
    const child = join(dirname(path), '..', '.child-of-base.yaml');
    await writeFile(child, 'vadc: 1\nextends: ./base/aed-mae.yaml\ndata: { dataset: synthetic }\n');
    path = child;
  }
  const resolved = await resolveRecipe(path, options);
  if (!resolved.ok) return resolved.errors;
  if (resolved.plan.sweep === null) return [];
  const sweep = await expandSweep(path, options);
  return sweep.ok ? [] : sweep.errors;
}

describe('errors at every leaf of every shipped recipe', () => {
  it('a wrong type, an out-of-range value and a misspelt key each name the leaf and its line', async () => {
    const failures: string[] = [];
    let tried = 0;
    // A copy of recipes/ in a scratch project, so `extends` and the project root behave as in the repository.
    const scratch = await mkdtemp(join(tmpdir(), 'vadc-leaves-'));
    await mkdir(join(scratch, '.git'));
    await cp(join(repository, 'recipes'), join(scratch, 'recipes'), { recursive: true });
    for (const shipped of await shippedRecipes()) {
      const recipe = join(scratch, relative(repository, shipped));
      const original = await readFile(recipe, 'utf8');
      const parsed = parseRecipeText(original, recipe);
      if (parsed.tree === undefined) throw new Error(`${recipe} does not parse`);
      const name = relative(scratch, recipe);
      const copy = recipe;
      for (const leaf of leavesOf(parsed.tree)) {
        // `extends` is a path (the loader's own tests check it); `???` is a value the base leaves to its children.
        if (leaf.written[0] === 'extends' || leaf.value === '???') continue;
        const lines = original.split('\n');
        const key = leaf.written.join('.');
        const schema = schemaAt(leaf.canonical[0] === 'sweep' ? leaf.canonical.slice(2) : leaf.canonical);
        const range = outOfRange(schema);
        const cases: Array<{ label: string; text: string; key: string }> = [
          { label: 'wrong type', text: replaceValue(lines, leaf, typeof leaf.value === 'string' || leaf.value === null ? '[1]' : '"wrong"'), key },
          ...(range === undefined ? [] : [{ label: `out of range (${range})`, text: replaceValue(lines, leaf, range), key }]),
        ];
        if (leaf.keyName !== undefined && leaf.keyColumn !== undefined && leaf.written[0] !== 'sweep') {
          const text = lines[leaf.line - 1]!;
          const at = leaf.keyColumn - 1 + leaf.keyName.length;
          const renamed = [...lines.slice(0, leaf.line - 1), `${text.slice(0, at)}x${text.slice(at)}`, ...lines.slice(leaf.line)].join('\n');
          cases.push({ label: 'unknown key', text: renamed, key: `${key}x` });
        }
        for (const injected of cases) {
          tried += 1;
          await writeFile(copy, injected.text);
          const errors = await errorsOf(copy);
          // A swept value is reported at the key it sets, on the line of the grid value.
          const wanted = leaf.written[0] === 'sweep' ? String(leaf.written[2]) : injected.key;
          const hit = errors.some((error) => error.key === wanted && error.line === leaf.line && error.file === recipe);
          if (!hit) failures.push(`${name}:${leaf.line} ${key} ${injected.label}: ${errors.map((error) => `${error.line} ${error.key} ${error.message}`).join(' | ') || 'no error'}`);
        }
      }
      await writeFile(copy, original);
    }
    await rm(scratch, { recursive: true });
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(300);
  }, 120_000);
});
