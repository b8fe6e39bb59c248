// The model package is runnable without vadc (issue 27 point 5): a tiny run exported by the built CLI in a fresh
// folder is scored by `vadc score` and by examples/python/score_package.py, which knows only the manifest's `steps`
// (docs/model-package.md); per-frame scores agree within 1e-5 and the events are the same. The recipe scores with
// two complementary test-time masks and top-patch pooling, so mask rotation, folding and pooling are all checked.
// Python: the first of $VADC_PYTHON, /usr/bin/python3 (Debian's, where .ci/run installs python3-numpy and
// python3-onnx) and python3 on PATH (often a pyenv shim without numpy) that imports numpy and onnxruntime or onnx.
// Elsewhere the test is skipped with the reason; VADC_REQUIRE_PYTHON_ONNX=1 (.ci/run) makes that a failure.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { encodeVideo, ffmpegPath, openDataset, runFfmpeg } from '@vadc/runtime';
import { latestRunFile, runBuiltCli } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { tinyRecipe } from '../test-recipe.ts';

const SCORER = resolve(import.meta.dirname, '..', '..', '..', '..', 'examples', 'python', 'score_package.py');
const RECIPE = tinyRecipe({
  name: 'portable', dataSeed: 6, trainVideos: 2, frames: 16, walkers: [1, 2], metrics: ['micro_auc'], engine: null,
  scoring: '{ smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 4, top_patches: 5, test_masks: { count: 2, complementary: true } }',
});

/** The first interpreter that has numpy and a graph engine, with the engine's name, or why there is none. */
function findPython(): { python: string; engine: string } | { skipped: string } {
  const candidates = [process.env.VADC_PYTHON, '/usr/bin/python3', 'python3'].filter((name): name is string => !!name);
  const probe = 'import numpy\ntry:\n import onnxruntime; print("onnxruntime")\nexcept ImportError:\n import onnx; print("onnx " + onnx.__version__)';
  const tried: string[] = [];
  for (const python of candidates) {
    const result = spawnSync(python, ['-c', probe], { encoding: 'utf8' });
    if (result.status === 0) return { python, engine: result.stdout.trim() };
    tried.push(`${python}: ${result.error?.message ?? result.stderr.trim().split('\n').at(-1)}`);
  }
  return { skipped: `no Python with numpy and onnxruntime or onnx (apt install python3-numpy python3-onnx) — ${tried.join('; ')}` };
}

const found = findPython();
const skipped = 'skipped' in found ? found.skipped : !onnxInstalled ? 'onnxruntime-node is not installed (vadc score runs packages on it)' : null;
if (skipped !== null && process.env.VADC_REQUIRE_PYTHON_ONNX === '1') throw new Error(`VADC_REQUIRE_PYTHON_ONNX=1 but ${skipped}`);
if (skipped !== null) console.log(`python-scorer.test.ts skipped: ${skipped}`);

const rows = async (path: string): Promise<Array<Record<string, string>>> => {
  const [header, ...lines] = (await readFile(path, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [names[index], value])));
};
const events = async (folder: string) => {
  const json = JSON.parse(await readFile(join(folder, 'events.json'), 'utf8')) as { abnormal_frames: number; events: Array<{ start: number; end: number; peak: number }> };
  return { abnormal: json.abnormal_frames, events: json.events.map(({ start, end, peak }) => ({ start, end, peak })) };
};

describe.skipIf(skipped !== null)(`examples/python/score_package.py reproduces vadc score${skipped === null ? ` (${(found as { engine: string }).engine})` : ` (skipped: ${skipped})`}`, () => {
  const { python } = found as { python: string };
  let workspace = '';
  let packageFolder = '';

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-portable-'));
    await writeFile(join(workspace, 'portable.yaml'), RECIPE);
    const trained = await runBuiltCli(['train', 'portable.yaml', '--out', 'runs'], workspace);
    expect(trained.code, trained.stderr).toBe(0);
    const run = latestRunFile(workspace, 'portable');
    packageFolder = join(workspace, 'package');
    const exported = await runBuiltCli(['export', run, '--portable', '--out', packageFolder], workspace);
    expect(exported.code, exported.stderr).toBe(0);
    // The scored clip: a test video at its native size (so the resize is exercised), stored losslessly.
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as Plan;
    const video = (await openDataset(plan)).test[1]!;
    const frameBytes = video.resolution[0] * video.resolution[1] * 3;
    const rgb = new Uint8Array(video.frameCount * frameBytes);
    for (let frame = 0; frame < video.frameCount; frame++) rgb.set(await video.readFrame(frame), frame * frameBytes);
    await encodeVideo(join(workspace, 'clip.mkv'), rgb, video.frameCount, video.resolution, 'png');
  }, 300_000);

  /**
   * Scores `input` with both scorers at a threshold that gives events: the middle of the widest gap between
   * consecutive smoothed scores of the middle half, so that no difference below 1e-5 moves a frame across it.
   * Returns both output folders.
   */
  async function scoreBoth(input: string, name: string): Promise<[string, string]> {
    const probe = await runBuiltCli(['score', packageFolder, input, '--out', `probe-${name}`], workspace);
    expect(probe.code, probe.stderr).toBe(0);
    const smoothed = (await rows(join(workspace, `probe-${name}`, 'decisions.csv'))).map((row) => Number(row.smoothed)).sort((a, b) => a - b);
    const quarter = Math.floor(smoothed.length / 4);
    let widest = quarter;
    for (let index = quarter; index < smoothed.length - quarter; index++) {
      if (smoothed[index + 1]! - smoothed[index]! > smoothed[widest + 1]! - smoothed[widest]!) widest = index;
    }
    expect(smoothed[widest + 1]! - smoothed[widest]!).toBeGreaterThan(1e-4);
    const threshold = String((smoothed[widest]! + smoothed[widest + 1]!) / 2);
    const vadc = join(workspace, `vadc-${name}`);
    const scored = await runBuiltCli(['score', packageFolder, input, '--out', vadc, '--threshold', threshold], workspace);
    expect(scored.code, scored.stderr).toBe(0);
    const reference = join(workspace, `python-${name}`);
    const result = spawnSync(python, [SCORER, packageFolder, join(workspace, input), '--out', reference, '--threshold', threshold, '--ffmpeg', ffmpegPath()], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return [vadc, reference];
  }

  async function expectSameScores(vadc: string, reference: string): Promise<void> {
    const [ours, theirs] = [await rows(join(vadc, 'scores.csv')), await rows(join(reference, 'scores.csv'))];
    expect(theirs.length).toBe(ours.length);
    expect(ours.length).toBeGreaterThan(10);
    const worst = Math.max(...ours.map((row, frame) => Math.abs(Number(row.score) - Number(theirs[frame]!.score))));
    expect(worst).toBeLessThan(1e-5);
    expect(theirs.map((row) => row.video)).toEqual(ours.map((row) => row.video));
    const [decided, redecided] = [await rows(join(vadc, 'decisions.csv')), await rows(join(reference, 'decisions.csv'))];
    expect(redecided.map((row) => row.abnormal)).toEqual(decided.map((row) => row.abnormal));
    const expected = await events(vadc);
    expect(expected.events.length).toBeGreaterThan(0);
    expect(await events(reference)).toEqual(expected);
  }

  it('scores a video file (decoded by ffmpeg with the manifest\'s arguments) to vadc score\'s numbers and events', async () => {
    const [vadc, reference] = await scoreBoth('clip.mkv', 'file');
    await expectSameScores(vadc, reference);
  }, 300_000);

  it('scores a frame folder (PNG frames) to vadc score\'s numbers and events', async () => {
    // frame1.png .. frame16.png: natural name order (frame10 after frame9) is the frames' order.
    await mkdir(join(workspace, 'frames'));
    const { code, stderr } = await runFfmpeg(['-v', 'error', '-i', join(workspace, 'clip.mkv'), '-vsync', '0', join(workspace, 'frames', 'frame%d.png')]);
    expect(code, stderr).toBe(0);
    const [vadc, reference] = await scoreBoth('frames', 'folder');
    await expectSameScores(vadc, reference);
  }, 300_000);
});
