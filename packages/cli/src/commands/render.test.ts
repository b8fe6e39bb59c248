import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseRecipeData } from '@vadc/dsl';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vadc-render-'));
  await mkdir(join(root, 'recipes'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

function capture(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd, env } };
}

const files = {
  'recipes/base.yaml': 'vadc: 1\nmodel:\n  patch: 8\n',
  'recipes/a.yaml': 'vadc: 1\nextends: base.yaml\ndata:\n  dataset: synthetic\n  size: [64, 96]\n',
};

describe('vadc render', () => {
  it('prints the resolved Plan as YAML that parses back to the same Plan as --json', async () => {
    const root = await project(files);
    const yaml = capture(root);
    expect(await runCli(['render', 'recipes/a.yaml', '--set', 'runtime.seed=4'], yaml.io)).toBe(0);
    const json = capture(root);
    expect(await runCli(['render', 'recipes/a.yaml', '--set', 'runtime.seed=4', '--json'], json.io)).toBe(0);
    const rendered = JSON.parse(json.out.join('')) as { hash: string; plan: { runtime: { seed: number } } };
    expect(rendered.plan.runtime.seed).toBe(4);
    expect(parseRecipeData(yaml.out.join(''), 'rendered.yaml')).toEqual({ ok: true, value: rendered.plan });
    expect(yaml.out.join('')).toContain(`# plan hash: ${rendered.hash}`);
  });

  it('--origins puts the file and line, default or --set beside every value', async () => {
    const root = await project(files);
    const { out, io } = capture(root);
    expect(await runCli(['render', 'recipes/a.yaml', '--origins', '--set', 'runtime.seed=4'], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^ {2}patch: 8 # recipes\/base\.yaml:3$/m);
    expect(text).toMatch(/^ {2}size: \[ 64, 96 \] # recipes\/a\.yaml:5$/m);
    expect(text).toMatch(/^ {2}seed: 4 # --set$/m);
    expect(text).toMatch(/^ {2}ratio: 0\.5 # default$/m);
    const json = capture(root);
    await runCli(['render', 'recipes/a.yaml', '--origins', '--json'], json.io);
    const origins = (JSON.parse(json.out.join('')) as { origins: Record<string, unknown> }).origins;
    expect(origins['model.patch']).toEqual({ file: 'recipes/base.yaml', line: 3, column: 10 });
  });

  it('an invalid recipe prints its errors on stderr and exits 1; env names need --allow-env', async () => {
    const root = await project({ 'recipes/a.yaml': 'vadc: 1\ndata:\n  dataset: avenue\n  root: ${env:DATA}\n' });
    const refused = capture(root, { DATA: '/data' });
    expect(await runCli(['render', 'recipes/a.yaml'], refused.io)).toBe(1);
    expect(refused.err.join('')).toContain('recipes/a.yaml:4:9  data.root  the environment variable DATA may not be read');
    const allowed = capture(root, { DATA: '/data' });
    expect(await runCli(['render', 'recipes/a.yaml', '--allow-env', 'DATA', '--json'], allowed.io)).toBe(0);
    expect((JSON.parse(allowed.out.join('')) as { plan: { data: { root: string } } }).plan.data.root).toBe('/data');
  });

  it('--root lets extends reach another folder', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'vadc-shared-'));
    await writeFile(join(shared, 'team.yaml'), 'vadc: 1\nruntime: { seed: 11 }\n');
    const root = await project({ 'recipes/a.yaml': `vadc: 1\nextends: ${join(shared, 'team.yaml')}\ndata: { dataset: synthetic }\n` });
    const refused = capture(root);
    expect(await runCli(['render', 'recipes/a.yaml'], refused.io)).toBe(1);
    expect(refused.err.join('')).toContain(`--root ${shared}`);
    const allowed = capture(root);
    expect(await runCli(['render', 'recipes/a.yaml', '--root', shared, '--json'], allowed.io)).toBe(0);
  });

  it('is a usage error without exactly one recipe', async () => {
    expect(await runCli(['render'], capture('/').io)).toBe(2);
  });
});
