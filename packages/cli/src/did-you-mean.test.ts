// Did-you-mean where a user picks a name from a list, through the built CLI in a fresh folder: a shortened or
// misspelt option or option value, a misspelt npm package in `extends` (suggested from the packages installed where the resolver
// looks), and a file a recipe package does not hold (the recipes it does hold are listed).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from './test-built-cli.ts';

let workspace = '';
const vadc = (...args: string[]) => runBuiltCli(args, workspace, undefined, {});

describe('the built vadc suggests what was meant', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'vadc-did-you-mean-'));
    mkdirSync(join(workspace, '.git'));
    // A recipe package as npm (or pnpm, through a link) installs it, beside an unrelated package.
    const store = join(workspace, 'store', 'vadc-recipes');
    mkdirSync(join(store, 'sets'), { recursive: true });
    writeFileSync(join(store, 'package.json'), JSON.stringify({ name: '@acme/vadc-recipes', version: '1.0.0' }));
    writeFileSync(join(store, 'ped2.yaml'), 'vadc: 1\ndata: { dataset: synthetic, size: [64, 96] }\n');
    writeFileSync(join(store, 'sets', 'avenue.yaml'), 'vadc: 1\ndata: { dataset: synthetic, size: [64, 96] }\n');
    mkdirSync(join(workspace, 'node_modules', '@acme'), { recursive: true });
    symlinkSync(store, join(workspace, 'node_modules', '@acme', 'vadc-recipes'));
    mkdirSync(join(workspace, 'node_modules', 'left-pad'));
    writeFileSync(join(workspace, 'node_modules', 'left-pad', 'package.json'), '{}');
    mkdirSync(join(workspace, 'recipes'));
    writeFileSync(join(workspace, 'recipes', 'misspelt-package.yaml'), 'vadc: 1\nextends: "@acme/vadc-recipez/ped2.yaml"\n');
    writeFileSync(join(workspace, 'recipes', 'misspelt-file.yaml'), 'vadc: 1\nextends: "@acme/vadc-recipes/pde2.yaml"\n');
  });

  it('a shortened option suggests the one it begins', async () => {
    const result = await vadc('score', 'runs/x', 'video.mp4', '--thresh', '0.5');
    expect(result.stderr).toContain('vadc score: unknown option --thresh (did you mean --threshold?)');
    expect(result.code).toBe(2);
  });

  it('a misspelt option value suggests the choice it is close to', async () => {
    const result = await vadc('run', 'recipes/any.yaml', '--backend', 'wsam');
    expect(result.stderr).toContain('vadc run: --backend must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu, not "wsam" (did you mean wasm?)');
    expect(result.code).toBe(2);
  });

  it('a misspelt package in extends suggests the installed one', async () => {
    const result = await vadc('validate', 'recipes/misspelt-package.yaml');
    expect(result.stdout).toContain('recipes/misspelt-package.yaml:2:10  extends  `extends` names the package @acme/vadc-recipez, which is not installed');
    expect(result.stdout).toContain('(did you mean `@acme/vadc-recipes/ped2.yaml`? (@acme/vadc-recipes is installed))');
    expect(result.code).toBe(1);
  });

  it('a file the package does not hold lists the recipes it holds', async () => {
    const result = await vadc('validate', 'recipes/misspelt-file.yaml');
    expect(result.stdout).toContain('recipes/misspelt-file.yaml:2:10  extends  `extends` names pde2.yaml of the package @acme/vadc-recipes');
    expect(result.stdout).toContain('(did you mean `@acme/vadc-recipes/ped2.yaml`? The package holds ped2.yaml, sets/avenue.yaml)');
    expect(result.code).toBe(1);
  });
});
