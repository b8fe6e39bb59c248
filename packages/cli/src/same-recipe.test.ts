// A run folder is a run of a recipe only under the hash rule that made its hash: `vadc run --resume` passes over a
// run.json of another rule (or none recorded), and `vadc eval` of such a folder fails naming the rule, instead of
// comparing hashes that mean different things.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planHash, resolveRecipe } from '@vadc/dsl';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { diskReader } from '../../runtime/src/experiment/recipe-reader.ts';
import { tinyRecipe } from './test-recipe.ts';

describe('runs and the hash rule', () => {
  it('resumes only a run whose run.json records this hash rule; eval of another rule\'s run names the rule', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'vadc-same-'));
    await writeFile(join(workspace, 'tiny.yaml'), tinyRecipe({ name: 'tiny' }));
    const resolved = await resolveRecipe(join(workspace, 'tiny.yaml'), { reader: diskReader });
    if (!resolved.ok) throw new Error('tiny recipe invalid');
    const folder = join(workspace, 'runs', 'tiny', '2026-01-01T00-00-00');
    await mkdir(folder, { recursive: true });
    const hash = await planHash(resolved.plan);
    const record = { name: 'tiny', id: '2026-01-01T00-00-00', hash, hashRule: 2, status: 'finished', created: '', updated: '', seed: 5, backend: 'wasm', machine: {}, timings: {}, error: null, trained: '2026-01-01T00:00:00Z' };
    await writeFile(join(folder, 'run.json'), JSON.stringify(record));
    await writeFile(join(folder, 'plan.json'), JSON.stringify(resolved.plan));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd: workspace, env: {} };
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs', '--resume'], io), err.join('')).toBe(0);
    expect(err.join('')).toContain(`${folder} already finished`);
    // The same stored value without a rule (as rule 1 wrote run.json): another recipe's run, whatever the digits.
    const { hashRule: _rule, ...ruleless } = record;
    await writeFile(join(folder, 'run.json'), JSON.stringify(ruleless));
    err.length = 0;
    expect(await runCli(['run', 'tiny.yaml', '--out', 'runs', '--resume'], io)).toBe(2);
    expect(err.join('')).toContain('no run of this recipe to resume');
    err.length = 0;
    expect(await runCli(['eval', folder], io)).toBe(1);
    expect(err.join('')).toContain(`${join(folder, 'run.json')}: its recipe hash was made by hash rule 1 (none recorded), this vadc hashes by rule 2`);
  });
});
