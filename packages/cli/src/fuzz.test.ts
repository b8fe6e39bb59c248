// Fuzzing the two inputs vadc takes from strangers, in process through runCli with buffer IO (seeded, so a failure
// replays): random mutations of the shipped recipes (`vadc validate`) and of a metrics JSON (`vadc metrics`). Every
// case must end with exit 0, 1 or 2, never a stack trace or an internal error's message, name the file (and the key or
// field) when it fails, and stay within bounded time and memory.
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Random, writeNpy } from '@vadc/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const RECIPE_CASES = 1000;
const METRICS_CASES = 2500;
const CASE_MS = 3000;
const HEAP_BYTES = 2 * 1024 ** 3;

async function runCase(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text), isTerminal: false, cwd, env };
  const started = performance.now();
  const status = await runCli(argv, io);
  return { status, stdout, stderr, ms: performance.now() - started };
}

/** What every case must satisfy. */
function expectWellBehaved(result: Awaited<ReturnType<typeof runCase>>, what: string, names: RegExp): void {
  const context = `${what}\n--- stdout\n${result.stdout.slice(0, 2000)}\n--- stderr\n${result.stderr.slice(0, 2000)}`;
  expect([0, 1, 2], context).toContain(result.status);
  expect(`${result.stdout}${result.stderr}`, context).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n|TypeError|RangeError|ReferenceError|Cannot read properties|is not a function|Maximum call stack/);
  if (result.status !== 0) expect(`${result.stdout}${result.stderr}`, context).toMatch(names);
  expect(result.ms, context).toBeLessThan(CASE_MS);
  expect(process.memoryUsage().heapUsed, context).toBeLessThan(HEAP_BYTES);
}

const TOKENS = ['&a ', '*a', '${', '}', '${name}', '${env:HOME}', '${x.y}', '!!binary ', '!js ', '1e15', '-1', '0', '1e308', 'NaN', '.inf', '~',
  '[', ']', '{', '}', ': ', '- ', '\t', '\n', '"', "'", '#', '???', '<<: *a', '[100000, 100000]', 'null', 'true', 'extends: ../../../etc/passwd\n'];

function mutateText(text: string, random: Random): string {
  let out = text;
  const edits = 1 + Math.floor(random.uniform(0, 4));
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random.uniform(0, out.length + 1));
    const kind = Math.floor(random.uniform(0, 5));
    const token = TOKENS[Math.floor(random.uniform(0, TOKENS.length))]!;
    if (kind === 0) out = out.slice(0, at) + token + out.slice(at);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random.uniform(0, 12)));
    else if (kind === 2) {
      const lines = out.split('\n');
      const line = Math.floor(random.uniform(0, lines.length));
      lines.splice(line, 0, lines[Math.floor(random.uniform(0, lines.length))] ?? '');
      out = lines.join('\n');
    } else if (kind === 3) {
      // Replace a number with an extreme one: sizes, frame counts, batches, dims.
      out = out.replace(/\b\d+(\.\d+)?\b/g, (match) => (random.uniform(0, 1) < 0.08 ? ['1e15', '0', '-3', '100000', '2.5', '1e9'][Math.floor(random.uniform(0, 6))]! : match));
    } else out = out.slice(0, at) + String.fromCharCode(32 + Math.floor(random.uniform(0, 95))) + out.slice(at + 1);
  }
  return out;
}

describe('fuzz: recipes', () => {
  let folder = '';
  let recipes: Array<{ name: string; text: string }> = [];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'vadc-fuzz-recipes-'));
    await cp(join(ROOT, 'recipes'), join(folder, 'recipes'), { recursive: true });
    await writeFile(join(folder, '.git'), ''); // the project root for extends
    const names = [...(await readdir(join(folder, 'recipes'))).filter((name) => name.endsWith('.yaml')), ...(await readdir(join(folder, 'recipes', 'ablations'))).map((name) => `ablations/${name}`)];
    recipes = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(folder, 'recipes', name), 'utf8') })));
  });

  it(`validates ${RECIPE_CASES} mutated shipped recipes with exit 0/1/2, the file named, no stack trace`, async () => {
    const random = new Random(15);
    const env = { VADC_AVENUE_ROOT: folder, VADC_PED2_ROOT: folder, VADC_SHANGHAITECH_ROOT: folder, VADC_UBNORMAL_ROOT: folder };
    const started = performance.now();
    for (let index = 0; index < RECIPE_CASES; index++) {
      const recipe = recipes[index % recipes.length]!;
      const mutated = mutateText(recipe.text, random);
      // Mutants sit beside the originals, so relative `extends:` still resolve.
      const file = join(folder, 'recipes', recipe.name.replace(/\.yaml$/, `.fuzz.yaml`));
      await writeFile(file, mutated);
      const result = await runCase(['validate', file], folder, env);
      expectWellBehaved(result, `case ${index} (${recipe.name})\n${mutated}`, /\.yaml(:\d+:\d+)?\s+\S*/);
    }
    expect(performance.now() - started).toBeLessThan(120_000);
  }, 180_000);
});

/** A JSON value replaced at a random place in `document`. */
const VALUES: unknown[] = [null, -1, 0, 1, 1e9, 1e308, 'x', '', [], {}, [0, 1], [[1]], { range: 1e9, sigma: 1 }, { range: 3, sigma: -1 }, '../outside.npy',
  '/etc/passwd', '/dev/zero', 'maps.npy', 'maps4.npy', 'masks.npy', 'maps-short.npy', 'not-npy.npy', true, 'NaN', [1e308, -1e308], { '0': [{ box: [0, 0, 1e9, 1e9], score: 1 }] }];

function mutateJson(value: unknown, random: Random, depth = 0): unknown {
  const pick = () => structuredClone(VALUES[Math.floor(random.uniform(0, VALUES.length))]);
  if (depth > 0 && random.uniform(0, 1) < 0.25) return pick();
  if (Array.isArray(value)) {
    const copy = value.map((item) => item);
    if (copy.length > 0 && random.uniform(0, 1) < 0.7) {
      const index = Math.floor(random.uniform(0, copy.length));
      copy[index] = mutateJson(copy[index], random, depth + 1);
    } else if (random.uniform(0, 1) < 0.5) copy.pop();
    else copy.push(pick());
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = random.uniform(0, 1);
    if (keys.length > 0 && roll < 0.75) {
      const key = keys[Math.floor(random.uniform(0, keys.length))]!;
      copy[key] = mutateJson(copy[key], random, depth + 1);
    } else if (keys.length > 0 && roll < 0.88) delete copy[keys[Math.floor(random.uniform(0, keys.length))]!];
    else copy[['extra', 'anomaly_maps', 'gt_masks', 'smoothing', 'map_thresholds'][Math.floor(random.uniform(0, 5))]!] = pick();
    return copy;
  }
  return pick();
}

describe('fuzz: metrics input', () => {
  let folder = '';
  const base = {
    config: { smoothing: { range: 4, sigma: 1 }, normalize_scores: false, region_overlap: 0.1, track_overlap: 0.1, map_thresholds: 10 },
    videos: [
      { name: 'b', labels: [0, 1], scores: [0.1, 0.9], anomaly_maps: 'maps.npy', gt_masks: 'masks.npy' },
      { name: 'a', labels: [0, 0, 1, 1], scores: [0.5, 0.2, 0.3, 0.8], anomaly_maps: 'maps4.npy', gt_regions: { '2': [{ track_id: 0, box: [1, 1, 2, 2] }] } },
    ],
  };
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'vadc-fuzz-metrics-'));
    const maps = new Float32Array(32).map((_, index) => (index % 7) / 7);
    const masks = new Uint8Array(32).map((_, index) => (index % 5 === 0 ? 1 : 0));
    await writeFile(join(folder, 'maps.npy'), writeNpy({ dtype: 'f4', shape: [2, 4, 4], data: maps }));
    await writeFile(join(folder, 'masks.npy'), writeNpy({ dtype: 'u1', shape: [2, 4, 4], data: masks }));
    await writeFile(join(folder, 'maps4.npy'), writeNpy({ dtype: 'f4', shape: [4, 4, 4], data: new Float32Array(64).map((_, index) => (index % 11) / 11) }));
    await writeFile(join(folder, 'maps-short.npy'), writeNpy({ dtype: 'f4', shape: [1, 4, 4], data: maps.subarray(0, 16) }));
    await writeFile(join(folder, 'not-npy.npy'), 'hello');
    await writeFile(join(tmpdir(), 'outside.npy'), writeNpy({ dtype: 'f4', shape: [2, 4, 4], data: maps }));
  });

  it(`evaluates ${METRICS_CASES} mutated metrics inputs with exit 0/1/2, the file and field named, no stack trace`, async () => {
    const random = new Random(16);
    expect((await runCase(['metrics', 'input.json'], folder)).status).toBe(2); // no input yet: a clean usage error
    await writeFile(join(folder, 'input.json'), JSON.stringify(base));
    expect((await runCase(['metrics', 'input.json'], folder)).status).toBe(0);
    const started = performance.now();
    for (let index = 0; index < METRICS_CASES; index++) {
      const document = mutateJson(base, random);
      const text = JSON.stringify(document);
      await writeFile(join(folder, 'input.json'), random.uniform(0, 1) < 0.05 ? text.slice(0, Math.floor(random.uniform(0, text.length))) : text);
      const result = await runCase(['metrics', 'input.json', '--full'], folder);
      expectWellBehaved(result, `case ${index}\n${text}`, /^vadc metrics: input\.json: \S/);
    }
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
