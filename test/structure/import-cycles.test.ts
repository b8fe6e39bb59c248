// No import cycles between source files: types shared by two files live in a third (docs/ARCHITECTURE.md, "Code conventions"). A cycle fails this
// test with the files around it named.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('import graph', () => {
  it('has no cycle between the source files of packages/*/src', () => {
    const cycles = importCycles(importGraph(root)).map((cycle) => cycle.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('finds a cycle when there is one, and follows type-only and re-export imports', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
    expect(importGraph(root).get('packages/runtime/src/experiment/report-data.ts')).toContain('packages/runtime/src/report/types.ts');
  });
});
