// `vadc render` as a new user first runs it, through the built CLI in a fresh folder and without the VADC_*
// variables: the shipped recipes render (an unset data root is a warning, as in validate), `--estimate` counts the
// training frames on disk where the data is, and a paper-sized estimate names the recipe sized for a CPU.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../test-built-cli.ts';
import { writeFramesDataset } from '../test-frames-dataset.ts';

const repository = join(import.meta.dirname, '..', '..', '..', '..');
let workspace = '';

/** The built CLI in the workspace, with no environment but PATH. */
const vadc = (...args: string[]) => runBuiltCli(args, workspace, undefined, {});

describe('vadc render on a fresh clone', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'vadc-render-first-'));
    mkdirSync(join(workspace, '.git'));
    cpSync(join(repository, 'recipes'), join(workspace, 'recipes'), { recursive: true });
  });

  it('renders a recipe whose data root is an unset variable, with a warning and the same hash', async () => {
    const unset = await vadc('render', 'recipes/ucsd-ped2.yaml');
    expect(unset.stderr).toContain('warning: the environment variable VADC_PED2_ROOT is not set');
    expect(unset.code).toBe(0);
    const elsewhere = await vadc('render', 'recipes/ucsd-ped2.yaml', '--set', 'data.root=/data/UCSDped2');
    const hash = (stdout: string) => /# plan hash: (\w+)/.exec(stdout)?.[1];
    expect(hash(unset.stdout)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(unset.stdout)).toBe(hash(elsewhere.stdout));
  });

  it('--estimate counts the training frames the data on disk holds', async () => {
    writeFramesDataset(join(workspace, 'frames-data'));
    const small = ['data.dataset=frames', `data.root=${join(workspace, 'frames-data')}`, '~data.synthetic', '~validation', 'data.size=[32,48]', 'model.encoder.dim=16', 'model.decoder.dim=16', 'runtime.backend=wasm', 'runtime.threads=1'];
    const rendered = await vadc('render', 'recipes/quickstart.yaml', '--estimate', ...small.flatMap((value) => ['--set', value]));
    expect(rendered.stderr).not.toContain('error');
    expect(rendered.code).toBe(0);
    // 2 training videos of 8 frames (writeFramesDataset); 6 + 2 epochs.
    expect(rendered.stdout).toContain(`over 16 frames per epoch (16 training frames on disk in 2 videos under ${join(workspace, 'frames-data')}) = 128 frames through the model`);
    expect(rendered.stdout).not.toContain('sized for a GPU');
  }, 60_000);

  it('a paper-sized --estimate without the data says so and names the CPU-sized recipe beside it', async () => {
    const rendered = await vadc('render', 'recipes/avenue.yaml', '--estimate');
    expect(rendered.stderr).toContain('warning: the environment variable VADC_AVENUE_ROOT is not set');
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toContain("(avenue's usual 15,328 training frames; the data was not read: VADC_AVENUE_ROOT is not set)");
    expect(rendered.stdout).toMatch(/# estimate on this machine: about [\d.]+ days/);
    expect(rendered.stdout).toContain('# this recipe is sized for a GPU; recipes/avenue-cpu.yaml trains the same data on a CPU (vadc render recipes/avenue-cpu.yaml --estimate)');
  }, 180_000);
});
