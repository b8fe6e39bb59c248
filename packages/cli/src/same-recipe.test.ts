// A run folder is a run of a recipe only under the hash rule that made its hash: `vadc train --resume` passes over a
// run.json of another rule (or none recorded), and `vadc eval` of such a folder fails naming the rule, instead of
// comparing hashes that mean different things.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { tinyRecipe, trainInWorkspace } from './test-recipe.ts';

describe('runs and the hash rule', () => {
  it('resumes only a run whose run.json records this hash rule; eval of another rule\'s run names the rule', async () => {
    const { workspace, run } = await trainInWorkspace('same', 'tiny', tinyRecipe({ name: 'tiny' }));
    const record = join(run, 'run.json');
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text), isTerminal: false, cwd: workspace, env: {} };
    expect(await runCli(['train', 'tiny.yaml', '--out', 'runs', '--resume'], io), err.join('')).toBe(0);
    // The same stored hash without a rule (as rule 1 wrote run.json): another recipe's run, whatever the digits.
    const { hashRule, ...ruleless } = JSON.parse(await readFile(record, 'utf8')) as Record<string, unknown>;
    expect(hashRule).toBe(2);
    await writeFile(record, JSON.stringify(ruleless));
    err.length = 0;
    expect(await runCli(['train', 'tiny.yaml', '--out', 'runs', '--resume'], io)).toBe(2);
    expect(err.join('')).toContain('no run of this recipe to resume');
    err.length = 0;
    expect(await runCli(['eval', run], io), err.join('')).toBe(1);
    expect(err.join('')).toContain(`${record}: its recipe hash was made by hash rule 1 (none recorded), this vadc hashes by rule 2`);
  });
});
