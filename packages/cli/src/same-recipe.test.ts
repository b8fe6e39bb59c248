import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { legacyPlanHash, resolveRecipe } from '@vadc/dsl';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { diskReader } from '../../runtime/src/experiment/recipe-reader.ts';
import { tinyRecipe } from './test-recipe.ts';

describe('runs made under the old hash rule', () => {
  it('`vadc run --resume` still finds a run folder whose run.json has a rule-1 hash and no hashRule', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-same-'));
    await writeFile(join(workspace, 'tiny.yaml'), tinyRecipe({ name: 'tiny' }));
    const resolved = await resolveRecipe(join(workspace, 'tiny.yaml'), { reader: diskReader });
    if (!resolved.ok) throw new Error('tiny recipe invalid');
    const old = join(workspace, 'runs', 'tiny', '2026-01-01T00-00-00');
    await mkdir(old, { recursive: true });
    const record = { name: 'tiny', id: '2026-01-01T00-00-00', hash: await legacyPlanHash(resolved.plan), status: 'finished', created: '', updated: '', seed: 5, backend: 'wasm', machine: {}, timings: {}, error: null };
    await writeFile(join(old, 'run.json'), JSON.stringify(record));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd: workspace, env: {} };
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs', '--resume'], io), err.join('')).toBe(0);
    expect(err.join('')).toContain(`${old} already finished`);
    // A rule-2 record with the same stored value is another recipe: hashes of different rules never match.
    await writeFile(join(old, 'run.json'), JSON.stringify({ ...record, hashRule: 2 }));
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs', '--resume'], io)).toBe(2);
    expect(err.join('')).toContain('no run of this recipe to resume');
  });
});
