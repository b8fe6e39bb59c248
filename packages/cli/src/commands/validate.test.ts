import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRecipeFileSchema, parseRecipeData } from '@vadc/dsl';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const recipesFolder = join(repository, 'recipes');
/** Values for the dataset roots the shipped recipes read from the environment. */
const datasetEnv = { VADC_AVENUE_ROOT: '/data/avenue', VADC_SHANGHAITECH_ROOT: '/data/shanghaitech', VADC_PED2_ROOT: '/data/ped2', VADC_UBNORMAL_ROOT: '/data/ubnormal' };

function capture(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd, env } };
}

async function shippedRecipes(folder = recipesFolder): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? shippedRecipes(join(folder, entry.name)) : Promise.resolve(entry.name.endsWith('.yaml') ? [join(folder, entry.name)] : []))));
  return nested.flat().sort();
}

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vadc-validate-'));
  await mkdir(join(root, '.git'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('vadc validate', () => {
  it('every shipped recipe validates (sweeps: every run)', async () => {
    const recipes = (await shippedRecipes()).filter((path) => !path.includes(`${join('recipes', 'base')}`));
    expect(recipes.length).toBeGreaterThanOrEqual(7);
    const { out, io } = capture(repository, datasetEnv);
    const status = await runCli(['validate', ...recipes], io);
    expect(out.join('')).not.toContain('invalid');
    expect(status).toBe(0);
    expect(out.join('')).toMatch(/scoring-weights\.yaml {2}ok {2}[0-9a-f]{12} {2}\(12 sweep runs\)/);
  });

  it('the base recipe alone is invalid only for its ??? dataset', async () => {
    const { out, io } = capture(repository);
    expect(await runCli(['validate', 'recipes/base/aed-mae.yaml', '--json'], io)).toBe(1);
    const result = JSON.parse(out.join('')) as { recipes: Array<{ errors: Array<{ code: string; key: string; file: string; line: number }> }> };
    expect(result.recipes[0]!.errors).toEqual([expect.objectContaining({ code: 'MISSING_VALUE', key: 'data.dataset', file: 'recipes/base/aed-mae.yaml', line: 9 })]);
  });

  it('every shipped recipe matches the editor schema it names', async () => {
    for (const path of await shippedRecipes()) {
      const text = await readFile(path, 'utf8');
      expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\/|\.\.\/)vadc\.schema\.json$/);
      const data = parseRecipeData(text, path);
      expect({ path, errors: data.ok ? checkRecipeFileSchema(data.value) : data.diagnostics }).toEqual({ path, errors: [] });
    }
    expect(checkRecipeFileSchema({ model: { pach: 8 } })).toEqual(['/model must NOT have additional properties']);
  });

  it('prints each error as file:line:column  key  message and exits 1', async () => {
    const root = await project({ 'recipes/bad.yaml': 'vadc: 1\ndata: { dataset: synthetic }\nmodel:\n  encoder: { hedas: 4 }\n  patch: sixteen\n' });
    const { out, io } = capture(root);
    expect(await runCli(['validate', 'recipes/bad.yaml'], io)).toBe(1);
    const lines = out.join('').trim().split('\n');
    expect(lines).toEqual([
      'recipes/bad.yaml:4:14  model.encoder.hedas  unknown key `hedas` (did you mean `heads`?)',
      'recipes/bad.yaml:5:10  model.patch  expected an integer, found "sixteen"',
      'recipes/bad.yaml  invalid  2 errors',
    ]);
  });

  it('reports YAML syntax errors, duplicate keys and broken extends with their lines', async () => {
    const root = await project({
      'recipes/syntax.yaml': 'vadc: 1\ndata:\n  size: [64, 96]]\n',
      'recipes/duplicate.yaml': 'vadc: 1\ndata: { dataset: synthetic }\ndata: { size: [64, 64] }\n',
      'recipes/extends.yaml': 'vadc: 1\nextends: ./missing.yaml\n',
    });
    const { out, io } = capture(root);
    expect(await runCli(['validate', 'recipes/syntax.yaml', 'recipes/duplicate.yaml', 'recipes/extends.yaml', '--json'], io)).toBe(1);
    const result = JSON.parse(out.join('')) as { ok: boolean; recipes: Array<{ errors: Array<{ code: string; line: number; key: string }> }> };
    expect(result.ok).toBe(false);
    expect(result.recipes.map((recipe) => recipe.errors.map((error) => [error.code, error.line, error.key]))).toEqual([
      [['YAML_SYNTAX', 3, 'data.size']],
      [['DUPLICATE_KEY', 3, 'data']],
      [['EXTENDS_NOT_FOUND', 2, 'extends']],
    ]);
  });

  it('is a usage error (2) without recipes or for a missing file', async () => {
    expect(await runCli(['validate'], capture(repository).io)).toBe(2);
    const missing = capture(repository);
    expect(await runCli(['validate', 'recipes/nope.yaml'], missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('recipe not found');
  });
});
