// The built `vadc` (packages/cli/dist/main.js) as a user runs it, in a fresh process and a fresh folder: what the
// issue's "Why" bullets tried, and the better answers (help, --version, did you mean, exact keys, exit statuses).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { writeFramesDataset } from './test-frames-dataset.ts';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const main = join(repository, 'packages', 'cli', 'dist', 'main.js');
let workspace = '';

function vadc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return vadcWith({}, ...args);
}

function vadcWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: workspace, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built vadc explains itself', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'vadc-cli-'));
    mkdirSync(join(workspace, '.git'));
    cpSync(join(repository, 'recipes'), join(workspace, 'recipes'), { recursive: true });
  });

  it('--version', () => {
    const { status, stdout } = vadc('--version');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^vadc \d+\.\d+\.\d+\n$/);
  });

  it('per-command help describes every option and gives examples', () => {
    const { status, stdout } = vadc('run', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/--resume\s+continue the unfinished run/);
    expect(stdout).toMatch(/Examples:\n {2}vadc run recipes\/quickstart\.yaml/);
    expect(stdout).toContain('3 an internal error');
  });

  it('did you mean, for commands and flags (exit 2, on stderr)', () => {
    const command = vadc('rnu', 'recipes/quickstart.yaml');
    expect(command.status).toBe(2);
    expect(command.stderr).toContain('unknown command "rnu" (did you mean `run`?)');
    const flag = vadc('render', 'recipes/quickstart.yaml', '--origin');
    expect(flag.status).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toContain('unknown option --origin (did you mean --origins?)');
  });

  it('errors inside union-typed sections name the key that is wrong', () => {
    const smoothing = vadc('validate', 'recipes/quickstart.yaml', '--set', 'scoring.smoothing.gaussian.sigma=abc');
    expect(smoothing.status).toBe(1);
    expect(smoothing.stdout).toContain('--set:1:34  scoring.smoothing.gaussian.sigma  expected a number, found "abc"');
    const optimizer = vadc('validate', 'recipes/quickstart.yaml', '--set', 'stages.0.optimizer.adamw.lr=fast');
    expect(optimizer.stdout).toContain('stages.0.optimizer.adamw.lr  expected a number, found "fast"');
    const synthetic = vadc('validate', 'recipes/quickstart.yaml', '--set', 'data.synthetic.frames=-3');
    expect(synthetic.stdout).toContain('data.synthetic.frames  -3 is out of range: must be >= 2');
  });

  it('validate checks the recipe, not the machine: an unset ${env:...} is a warning; --data checks the data is there', () => {
    const all = vadc('validate', 'recipes/avenue.yaml', 'recipes/ucsd-ped2.yaml', 'recipes/quickstart.yaml');
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('recipes/ucsd-ped2.yaml:16:9  data.root  warning: the environment variable VADC_PED2_ROOT is not set');
    expect(all.stdout).toMatch(/recipes\/ucsd-ped2\.yaml {2}ok {2}[0-9a-f]{12}/);
    const needsData = vadc('validate', 'recipes/ucsd-ped2.yaml', '--data');
    expect(needsData.status).toBe(1);
    expect(needsData.stdout).toContain('data.root  the environment variable VADC_PED2_ROOT is not set');
    const absent = vadcWith({ VADC_PED2_ROOT: join(workspace, 'no-such-folder') }, 'validate', 'recipes/ucsd-ped2.yaml', '--data');
    expect(absent.status).toBe(1);
    expect(absent.stdout).toContain('data.root  the data is not there');
    writeFramesDataset(join(workspace, 'frames-data'));
    const present = vadc('validate', 'recipes/quickstart.yaml', '--set', 'data.dataset=frames', '--set', `data.root=${join(workspace, 'frames-data')}`, '--set', '~data.synthetic', '--data');
    expect(present.stdout + present.stderr).toMatch(/quickstart\.yaml {2}ok/);
    expect(present.status).toBe(0);
  });

  it('the experiment hash does not depend on where the data is', () => {
    const hash = (root: string) => (JSON.parse(vadc('render', 'recipes/ucsd-ped2.yaml', '--set', `data.root=${root}`, '--json').stdout) as { hash: string }).hash;
    expect(hash('/a')).toBe(hash('/b'));
  });

  it('render says what the recipe costs', () => {
    const rendered = vadc('render', 'recipes/avenue.yaml', '--set', 'data.root=/a');
    expect(rendered.stdout).toContain('# training: teacher 100 epochs + student 100 epochs over 15,328 frames per epoch');
    expect(rendered.stdout).toContain('(vadc render --estimate times it on this machine)');
  });

  it('extends a recipe of an installed npm package (a real package folder, no registry), confined to it', () => {
    const team = join(workspace, 'team');
    const pkg = join(team, 'node_modules', '@acme', 'vadc-recipes');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/vadc-recipes', version: '1.0.0', files: ['*.yaml'] }));
    writeFileSync(join(pkg, 'ped2.yaml'), 'vadc: 1\nname: acme-ped2\ndata: { dataset: synthetic, size: [64, 96] }\nmodel: { patch: 8 }\nscoring: { weights: { discrepancy: 0 } }\nstages:\n  - { name: teacher, epochs: 2 }\n');
    writeFileSync(join(pkg, 'sneaky.yaml'), 'vadc: 1\nextends: ../../../secret.yaml\n');
    writeFileSync(join(team, 'secret.yaml'), 'vadc: 1\ndata: { dataset: synthetic }\n');
    mkdirSync(join(team, 'recipes'), { recursive: true });
    writeFileSync(join(team, 'recipes', 'mine.yaml'), "vadc: 1\nextends: '@acme/vadc-recipes/ped2.yaml'\nruntime: { seed: 4 }\n");
    writeFileSync(join(team, 'recipes', 'sneaky.yaml'), "vadc: 1\nextends: '@acme/vadc-recipes/sneaky.yaml'\n");
    const rendered = vadc('render', 'team/recipes/mine.yaml', '--origins');
    expect(rendered.status, rendered.stderr).toBe(0);
    expect(rendered.stdout).toMatch(/patch: 8 +# .*node_modules\/@acme\/vadc-recipes\/ped2\.yaml:4/);
    const sneaky = vadc('validate', 'team/recipes/sneaky.yaml');
    expect(sneaky.status).toBe(1);
    expect(sneaky.stdout).toMatch(/sneaky\.yaml:2:10  extends  `extends` reaches .*\/team\/secret\.yaml, outside the package @acme\/vadc-recipes/);
  });
});
