// `extends:` confinement holds for where a file really is: a link inside the project that points outside it is
// refused like the outside path itself (it used to read the outside file).
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

describe('vadc validate with linked extends', () => {
  it('refuses an extends target that links outside the project, and accepts a link that stays inside', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vadc-links-'));
    const project = join(root, 'project');
    await mkdir(join(project, 'recipes'), { recursive: true });
    await mkdir(join(project, '.git'));
    const base = 'vadc: 1\ndata: { dataset: synthetic }\n';
    await writeFile(join(root, 'outside.yaml'), base);
    await writeFile(join(project, 'recipes', 'inside.yaml'), base);
    await symlink(join(root, 'outside.yaml'), join(project, 'recipes', 'out-link.yaml'));
    await symlink(join(project, 'recipes', 'inside.yaml'), join(project, 'recipes', 'in-link.yaml'));
    await writeFile(join(project, 'recipes', 'bad.yaml'), 'vadc: 1\nextends: ./out-link.yaml\n');
    await writeFile(join(project, 'recipes', 'good.yaml'), 'vadc: 1\nextends: ./in-link.yaml\n');
    let out = '';
    const io = { stdout: (text: string) => void (out += text), stderr: (text: string) => void (out += text), isTerminal: false, cwd: project, env: {} };
    expect(await runCli(['validate', 'recipes/bad.yaml'], io)).toBe(1);
    expect(out).toMatch(/recipes\/bad\.yaml:2:10\s+extends\s+`extends` names .*out-link\.yaml, a link to .*outside\.yaml, outside the project root/);
    out = '';
    expect(await runCli(['validate', 'recipes/good.yaml'], io)).toBe(0);
  });
});
