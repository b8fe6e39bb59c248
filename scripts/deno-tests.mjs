#!/usr/bin/env node
// Runs the test files of the runtime-neutral packages (@vadc/dsl, @vadc/metrics) under Deno, the proof that a
// Deno user can import them. Deno comes from the npm registry (the root devDependency `deno`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['packages/dsl/src', 'packages/metrics/src'];

function testFiles(directory) {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const files = packages.flatMap((folder) => testFiles(join(root, folder)));
if (files.length === 0) {
  console.error('deno-tests: no test files found under', packages.join(', '));
  process.exit(1);
}
const deno = join(root, 'node_modules', '.bin', 'deno');
const result = spawnSync(
  deno,
  [
    'test',
    '--quiet',
    '--no-check',
    '--node-modules-dir=manual',
    '--import-map=test/deno/import-map.json',
    // Test fixtures are read relative to the repository; the yaml package reads two LOG_ variables while parsing.
    '--allow-read',
    '--allow-env',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
