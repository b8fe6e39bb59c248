import { describe, expect, it } from 'vitest';
import type { RecipeReader } from '../reader.ts';
import { errorsOf, planOf, PROJECT, projectReader, resolveIn, SMALL } from '../test-recipes.ts';
import { resolveRecipe } from '../public-api.ts';
import { packageSpec } from './package-target.ts';

const PACKAGE = {
  'node_modules/@acme/vadc-recipes/package.json': '{ "name": "@acme/vadc-recipes", "version": "1.2.0" }',
  'node_modules/@acme/vadc-recipes/ped2.yaml': 'vadc: 1\nextends: ./base.yaml\nmodel: { patch: 8 }\n',
  'node_modules/@acme/vadc-recipes/base.yaml': `${SMALL}runtime: { seed: 7 }\n`,
};

describe('extends from an installed npm package', () => {
  it('parses package specs and leaves paths alone', () => {
    expect(packageSpec('@acme/vadc-recipes/ped2.yaml')).toEqual({ name: '@acme/vadc-recipes', file: 'ped2.yaml' });
    expect(packageSpec('vadc-recipes/sets/ped2.yaml')).toEqual({ name: 'vadc-recipes', file: 'sets/ped2.yaml' });
    expect(packageSpec('./base.yaml')).toBeUndefined();
    expect(packageSpec('../avenue.yaml')).toBeUndefined();
    expect(packageSpec('@acme/vadc-recipes')).toBeUndefined();
  });

  it('resolves from the recipe folder upwards, as Node does, and the package may extend its own files', async () => {
    const recipe = 'vadc: 1\nextends: "@acme/vadc-recipes/ped2.yaml"\nstages:\n  - { name: teacher, epochs: 1 }\n';
    const { plan, origins } = planOf(await resolveIn({ ...PACKAGE, 'recipes/team/mine.yaml': recipe }, 'recipes/team/mine.yaml', { overrides: ['scoring.weights.discrepancy=0'] }));
    expect(plan.model.patch).toBe(8);
    expect(plan.runtime.seed).toBe(7);
    expect(origins['runtime.seed']).toMatchObject({ file: '/project/node_modules/@acme/vadc-recipes/base.yaml' });
  });

  it('a package that is not installed is an error at the extends line', async () => {
    const [error] = errorsOf(await resolveIn({ 'recipes/a.yaml': 'vadc: 1\nextends: "@acme/missing/ped2.yaml"\n' }, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'EXTENDS_NOT_FOUND', key: 'extends', line: 2 });
    expect(error?.message).toContain('@acme/missing');
  });

  it('confinement: no reaching outside the package, neither by the spec nor from inside the package', async () => {
    const escape = errorsOf(await resolveIn({ ...PACKAGE, 'secret.yaml': SMALL, 'recipes/a.yaml': 'vadc: 1\nextends: "@acme/vadc-recipes/../../secret.yaml"\n' }, 'recipes/a.yaml'));
    expect(escape[0]).toMatchObject({ code: 'EXTENDS_OUTSIDE_ROOT', line: 2 });
    const inside = { ...PACKAGE, 'recipes/private.yaml': SMALL, 'node_modules/@acme/vadc-recipes/ped2.yaml': 'vadc: 1\nextends: ../../../recipes/private.yaml\n' };
    const reaching = errorsOf(await resolveIn({ ...inside, 'recipes/a.yaml': 'vadc: 1\nextends: "@acme/vadc-recipes/ped2.yaml"\n' }, 'recipes/a.yaml'));
    expect(reaching[0]).toMatchObject({ code: 'EXTENDS_OUTSIDE_ROOT', file: '/project/node_modules/@acme/vadc-recipes/ped2.yaml', line: 2 });
  });

  describe('did you mean, where the reader lists folders', () => {
    /** The project reader, able to list the folders of its files (as the CLI's disk reader can). */
    function listingReader(files: Record<string, string>): RecipeReader {
      const paths = Object.keys(files).map((path) => `${PROJECT}/${path}`);
      return {
        ...projectReader(files),
        async listFolder(folder) {
          const below = paths.filter((path) => path.startsWith(`${folder}/`)).map((path) => path.slice(folder.length + 1).split('/'));
          if (below.length === 0) throw new Error(`no such folder: ${folder}`);
          return { files: [...new Set(below.filter((parts) => parts.length === 1).map((parts) => parts[0]!))], folders: [...new Set(below.filter((parts) => parts.length > 1).map((parts) => parts[0]!))] };
        },
      };
    }
    const installed = { ...PACKAGE, 'node_modules/left-pad/package.json': '{}', 'node_modules/@acme/other/package.json': '{}', 'node_modules/@acme/vadc-recipes/sets/avenue.yaml': SMALL };
    const errorFor = async (value: string) => errorsOf(await resolveRecipe(`${PROJECT}/recipes/a.yaml`, { reader: listingReader({ ...installed, 'recipes/a.yaml': `vadc: 1\nextends: "${value}"\n` }) }))[0];

    it('a misspelt package name suggests the installed package it is close to', async () => {
      const error = await errorFor('@acme/vadc-recipez/ped2.yaml');
      expect(error).toMatchObject({ code: 'EXTENDS_NOT_FOUND', key: 'extends', line: 2 });
      expect(error?.hint).toBe('did you mean `@acme/vadc-recipes/ped2.yaml`? (@acme/vadc-recipes is installed)');
      expect((await errorFor('@nobody/nothing-alike/ped2.yaml'))?.hint).toBe('install it (npm install @nobody/nothing-alike), or write a relative path starting with ./');
    });

    it('a file the package does not hold lists the recipes it does', async () => {
      const error = await errorFor('@acme/vadc-recipes/pde2.yaml');
      expect(error).toMatchObject({ code: 'EXTENDS_NOT_FOUND', key: 'extends', line: 2 });
      expect(error?.message).toContain('pde2.yaml of the package @acme/vadc-recipes');
      expect(error?.hint).toBe('did you mean `@acme/vadc-recipes/ped2.yaml`? The package holds base.yaml, ped2.yaml, sets/avenue.yaml');
      expect((await errorFor('@acme/vadc-recipes/shanghai.yaml'))?.hint).toBe('the package holds base.yaml, ped2.yaml, sets/avenue.yaml');
    });
  });
});
