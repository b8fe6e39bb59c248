// Imports go down only: between packages and between the stage folders of @vadc/dsl (floors in layers.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, packageImportGraph } from './import-graph.ts';
import { floorViolations } from './layers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('floors', () => {
  it('no package imports a package above or beside it; no dsl stage imports a later one', () => {
    const violations = floorViolations(importGraph(root), packageImportGraph(root));
    expect(violations, `upward imports:\n${violations.join('\n')}`).toEqual([]);
  });

  it('names an upward import between dsl folders, between packages, and a dsl file on no floor', () => {
    const dsl = (path: string): string => `packages/dsl/src/${path}`;
    const files = new Map([
      [dsl('validate/check-schema.ts'), [dsl('resolve/positions.ts'), dsl('plan/types.ts')]],
      [dsl('parse/parse-yaml.ts'), [dsl('resolve/positions.ts'), dsl('diagnostics.ts')]],
      [dsl('plan/hash.ts'), [dsl('public-api.ts')]],
      [dsl('public-api.ts'), [dsl('validate/check-schema.ts')]],
      [dsl('helpers.ts'), []],
      [dsl('test-recipes.ts'), [dsl('public-api.ts')]],
      ['packages/dsl/src/reader.ts', ['packages/runtime/src/index.ts']],
    ]);
    const packages = new Map([
      ['packages/runtime/src/a.ts', ['dsl', 'metrics']],
      ['packages/metrics/src/b.ts', ['dsl']],
      ['packages/dsl/src/c.ts', ['cli']],
      ['packages/cli/src/d.ts', ['runtime', 'dsl']],
    ]);
    expect(floorViolations(files, packages)).toEqual([
      'packages/metrics/src/b.ts -> @vadc/dsl (@vadc/metrics may not import @vadc/dsl)',
      'packages/dsl/src/c.ts -> @vadc/cli (@vadc/dsl may not import @vadc/cli)',
      'packages/dsl/src/parse/parse-yaml.ts -> packages/dsl/src/resolve/positions.ts (imports upwards: parse/ is below resolve/)',
      'packages/dsl/src/plan/hash.ts -> packages/dsl/src/public-api.ts (imports upwards: plan/ is below public-api.ts sweep.ts index.ts)',
      'packages/dsl/src/helpers.ts is on no floor of @vadc/dsl: add it to DSL_FLOORS',
      'packages/dsl/src/reader.ts -> packages/runtime/src/index.ts (@vadc/dsl may not import @vadc/runtime)',
    ]);
  });
});
