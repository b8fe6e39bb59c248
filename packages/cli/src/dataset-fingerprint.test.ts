// Two teams, the same recipe, the same data in different folders: the built `vadc` gives both runs the same
// experiment hash and the same dataset fingerprint, and `vadc compare` says so; a changed label changes the data.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeFramesDataset as writeDataset } from './test-frames-dataset.ts';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

function vadc(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const RECIPE = `vadc: 1
name: team
data: { dataset: frames, root: ./data, size: [32, 48] }
model: { patch: 8, encoder: { dim: 16, depth: 1, heads: 2 }, decoder: { dim: 16, depth: 2, heads: 2 } }
stages:
  - { name: teacher, epochs: 0, batch: 4 }
  - { name: student, epochs: 0, batch: 4 }
scoring: { smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 4 }
eval: { metrics: [micro_auc] }
runtime: { backend: wasm, seed: 5, threads: 1 }
`;

describe('experiment hash and dataset fingerprint', () => {
  it('same recipe and data in other folders: same hash, same fingerprint, and compare says so', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'vadc-teams-'));
    const [first, second] = [join(workspace, 'team-a'), join(workspace, 'elsewhere', 'team-b')];
    mkdirSync(first, { recursive: true });
    writeDataset(join(first, 'data'));
    writeFileSync(join(first, 'recipe.yaml'), RECIPE);
    cpSync(first, second, { recursive: true });

    const hashes = [first, second].map((folder) => JSON.parse(vadc(folder, 'render', 'recipe.yaml', '--json').stdout) as { hash: string; plan: { data: { root: string } } });
    expect(hashes[0]!.plan.data.root).not.toBe(hashes[1]!.plan.data.root);
    expect(hashes[0]!.hash).toBe(hashes[1]!.hash);

    const runs = [first, second].map((folder) => {
      const result = vadc(folder, 'run', 'recipe.yaml', '--json');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^data: fingerprint [0-9a-f]{12} /m);
      return JSON.parse(result.stdout) as { run: string; hash: string; datasetFingerprint: { digest: string; files: { count: number } } };
    });
    expect(runs[0]!.hash).toBe(hashes[0]!.hash);
    expect(runs[0]!.datasetFingerprint.digest).toBe(runs[1]!.datasetFingerprint.digest);
    expect(runs[0]!.datasetFingerprint.files.count).toBe(25);
    const record = JSON.parse(readFileSync(join(runs[1]!.run, 'run.json'), 'utf8')) as { datasetFingerprint: { digest: string } };
    expect(record.datasetFingerprint.digest).toBe(runs[0]!.datasetFingerprint.digest);
    expect(readFileSync(join(runs[0]!.run, 'report.html'), 'utf8')).toContain(runs[0]!.datasetFingerprint.digest.slice(0, 12));

    const same = vadc(workspace, 'compare', runs[0]!.run, runs[1]!.run);
    expect(same.stdout).toContain('Recipe: the same (equal experiment hashes). Data: the same (equal dataset fingerprints).');

    // Team C keeps one training video elsewhere and links it in: the readers follow the link, and so does the
    // fingerprint (same files, same digest; a skipped link would count 17 files).
    const third = join(workspace, 'team-c');
    cpSync(first, third, { recursive: true });
    renameSync(join(third, 'data', 'train', 'b'), join(workspace, 'video-b'));
    symlinkSync(join(workspace, 'video-b'), join(third, 'data', 'train', 'b'));
    const linked = vadc(third, 'run', 'recipe.yaml', '--json', '--new');
    expect(linked.status, linked.stderr).toBe(0);
    const linkedPrint = (JSON.parse(linked.stdout) as { datasetFingerprint: { digest: string; files: { count: number } } }).datasetFingerprint;
    expect(linkedPrint.files.count).toBe(25);
    expect(linkedPrint.digest).toBe(runs[0]!.datasetFingerprint.digest);

    // --deep hashes the contents too: the same for the same bytes (linked or not), another digest than the cheap one.
    const deep = [first, third].map((folder) => {
      const result = vadc(folder, 'run', 'recipe.yaml', '--json', '--new', '--deep');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^data: fingerprint [0-9a-f]{12} \(deep: contents hashed, 25 files/m);
      return (JSON.parse(result.stdout) as { datasetFingerprint: { digest: string } }).datasetFingerprint.digest;
    });
    expect(deep[0]).toBe(deep[1]);
    expect(deep[0]).not.toBe(runs[0]!.datasetFingerprint.digest);

    // Team B relabels one frame: same recipe, other data.
    writeFileSync(join(second, 'data', 'labels', 'c.txt'), '0\n0\n0\n1\n1\n1\n1\n1\n');
    const relabelled = vadc(second, 'run', 'recipe.yaml', '--json', '--new');
    expect(relabelled.status, relabelled.stderr).toBe(0);
    const relabelledRun = join(second, 'runs', 'team', readlinkSync(join(second, 'runs', 'team', 'latest')));
    const differ = JSON.parse(vadc(workspace, 'compare', runs[0]!.run, relabelledRun, '--json').stdout) as { sameRecipe: boolean; sameData: boolean };
    expect(differ).toMatchObject({ sameRecipe: true, sameData: false });
  }, 240_000);
});
