// Imports go down only: between packages, between the stage folders of @vadc/dsl and between the folders of
// @vadc/runtime (floors in layers.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, packageImportGraph } from './import-graph.ts';
import { floorViolations } from './layers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('floors', () => {
  it('no package imports a package above or beside it; no dsl stage or runtime folder imports a later one', () => {
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

describe('runtime floors', () => {
  const runtime = (path: string): string => `packages/runtime/src/${path}`;

  it('names an upward import between runtime folders and a runtime file on no floor; allows downward and same-floor ones', () => {
    const files = new Map([
      // Upward: the detector opening a trained run would reach into the experiment pipeline (the edge issue 25 removed).
      [runtime('detect/trained-run.ts'), [runtime('experiment/validation.ts'), runtime('run-folder/run-folder.ts')]],
      [runtime('run-folder/run-state.ts'), [runtime('sweep/sweep-run.ts')]],
      [runtime('experiment/run-experiment.ts'), [runtime('detect/detector.ts'), runtime('train/train-stage.ts'), runtime('run-io.ts')]],
      [runtime('onnx/onnx-training.ts'), [runtime('train/step.ts')]],
      [runtime('helpers.ts'), []],
      [runtime('experiment/test-helpers.ts'), [runtime('index.ts')]],
    ]);
    expect(floorViolations(files, new Map())).toEqual([
      'packages/runtime/src/detect/trained-run.ts -> packages/runtime/src/experiment/validation.ts (imports upwards: detect/ is below experiment/)',
      'packages/runtime/src/run-folder/run-state.ts -> packages/runtime/src/sweep/sweep-run.ts (imports upwards: run-folder/ is below sweep/)',
      'packages/runtime/src/helpers.ts is on no floor of @vadc/runtime: add it to RUNTIME_FLOORS',
    ]);
  });
});
