// Issue 28's done-when, as a user runs it: the official checkpoints (bench/pytorch/parity-fixtures.py) imported by
// `vadc import`, then `vadc eval` and `vadc score` in fresh processes of the built CLI, on the short video the official
// test path scored (data/test_dataset.py, inference.py's model(...) call), with the masks the official code drew
// given by `--test-masks`: every output the fixtures hold is the official one within 1e-4, on every engine here.
// The files compared are what the commands write: scores.csv (per frame: teacher, discrepancy, anomaly_map, score) of
// eval and of score, and eval's components.bin (per patch: discrepancy, anomaly map).
// Deliberate differences (official-parity.test.ts names them): vadc's teacher component counts the frame channels
// only, so it is compared with the official teacher score less its anomaly channel's share,
// (4 * official teacher - anomaly error) / 3, the anomaly error taken from the official prediction; the anomaly map is
// the official prediction's anomaly channel mapped to [0, 1]; `score` is vadc's weighting of those components.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readComponents } from '../../../runtime/src/run-folder/sweep-components.ts';
import { latestRunFile, runBuiltCli } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { FIXTURES, manifest, maxDifference, npy, officialAnomalyMap, perFrame, planar, TOLERANCE } from './test-official-fixtures.ts';

const video = manifest.video;
const [height, width] = manifest.size;
const pixels = manifest.patch ** 2;
const tokens = (height / manifest.patch) * (width / manifest.patch);
const kept = Math.floor(tokens * (1 - manifest.mask_ratio)); // random_masking's len_keep
// Every engine here: TF.js on its two CPU backends (the reference), and onnxruntime where it is installed.
const ENGINES = [
  { name: 'tfjs-wasm', args: ['--engine', 'tfjs', '--backend', 'wasm'] },
  { name: 'tfjs-cpu', args: ['--engine', 'tfjs', '--backend', 'cpu'] },
  ...(onnxInstalled ? [{ name: 'onnx', args: ['--engine', 'onnx'] }] : []),
];

interface CsvFrames {
  score: number[];
  teacher: number[];
  discrepancy: number[];
  anomaly_map: number[];
}

function readScoresCsv(text: string): CsvFrames {
  const [header, ...rows] = text.trim().split('\n').map((line) => line.split(','));
  const column = (name: string) => rows.map((row) => Number(row[header!.indexOf(name)]));
  return { score: column('score'), teacher: column('teacher'), discrepancy: column('discrepancy'), anomaly_map: column('anomaly_map') };
}

describe.runIf(video !== undefined)('official outputs through vadc import, eval and score in fresh processes (--test-masks)', () => {
  let workspace: string;
  const differences: Record<string, Record<string, number>> = {};
  // The official outputs over the video, per frame and per patch.
  const scores = npy('video_scores').data; // [2, T]: student-teacher, teacher (L2)
  const teacher = npy('video_teacher').data as Float32Array; // [T, L, p*p*4], channels innermost
  const student = npy('video_student').data as Float32Array;
  const frames = video?.frames ?? 0;
  const teacherMap = officialAnomalyMap(planar(teacher, pixels), pixels);
  const anomalyError = perFrame(Float32Array.from({ length: teacher.length / 4 }, (_, index) => {
    const patch = Math.floor(index / pixels);
    return (teacher[patch * pixels * 4 + (index % pixels) * 4 + 3]! + 1) ** 2;
  }), frames);
  const official = {
    discrepancy: Array.from(scores.subarray(0, frames)),
    teacher: Array.from(scores.subarray(frames), (value, frame) => (4 * value - anomalyError[frame]!) / 3),
    anomaly_map: perFrame(teacherMap, frames),
    patchDiscrepancy: Float32Array.from({ length: teacher.length / (pixels * 4) }, (_, patch) => {
      let sum = 0;
      for (let value = patch * pixels * 4; value < (patch + 1) * pixels * 4; value++) sum += (teacher[value]! - student[value]!) ** 2;
      return sum / (pixels * 4);
    }),
    patchAnomalyMap: teacherMap,
  };

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-parity-cli-'));
    // The fixture's video in vadc's frames layout; the same frames serve as the (unused) training split.
    await cp(join(FIXTURES, 'video'), join(workspace, 'data'), { recursive: true });
    await cp(join(workspace, 'data', 'test'), join(workspace, 'data', 'train'), { recursive: true });
    await writeFile(join(workspace, 'parity.yaml'), `vadc: 1
name: parity
data:
  dataset: frames
  root: data
  size: [${height}, ${width}]
model: { encoder: { heads: ${manifest.encoder.heads} }, decoder: { heads: ${manifest.decoder.heads} } }
scoring: { batch: 3 }
runtime: { backend: wasm, threads: 1, engine: tfjs }
`);
    // The masks the official code drew: per frame, the first len_keep tokens of its order (ids_shuffle), as a user writes them.
    const order = npy('video_order').data;
    const masks = Array.from({ length: frames }, (_, frame) => Array.from(order.subarray(frame * tokens, frame * tokens + kept)));
    await writeFile(join(workspace, 'masks.json'), JSON.stringify({ vadc_test_masks: 1, grid: [height / manifest.patch, width / manifest.patch], videos: { [video!.name]: masks } }));
    const imported = await runBuiltCli(['import', join(FIXTURES, 'checkpoint-best.pth'), '--student', join(FIXTURES, 'checkpoint-best-student.pth'),
      '--recipe', 'parity.yaml', '--out', 'runs'], workspace);
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    // The largest difference per output and engine, for the closing note.
    console.log(`official outputs through the built CLI (${FIXTURES}):\n${JSON.stringify(differences, null, 2)}`);
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  async function weights(): Promise<{ teacher: number; discrepancy: number; anomaly_map: number }> {
    const plan = JSON.parse(await readFile(latestRunFile(workspace, 'parity', 'plan.json'), 'utf8')) as { scoring: { weights: { teacher: number; discrepancy: number; anomaly_map: number } } };
    return plan.scoring.weights;
  }

  function compare(label: string, csv: CsvFrames, weighting: { teacher: number; discrepancy: number; anomaly_map: number }): Record<string, number> {
    const score = official.teacher.map((value, frame) => weighting.teacher * value + weighting.discrepancy * official.discrepancy[frame]! + weighting.anomaly_map * official.anomaly_map[frame]!);
    const table = {
      discrepancy: maxDifference(csv.discrepancy, official.discrepancy),
      teacher: maxDifference(csv.teacher, official.teacher),
      anomaly_map: maxDifference(csv.anomaly_map, official.anomaly_map),
      score: maxDifference(csv.score, score),
    };
    differences[label] = { ...differences[label], ...table };
    return table;
  }

  for (const engine of ENGINES) {
    it(`vadc eval ${engine.args.join(' ')} --test-masks gives the official outputs within 1e-4`, async () => {
      const result = await runBuiltCli(['eval', 'runs/parity/latest', ...engine.args, '--test-masks', 'masks.json'], workspace);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('test-time masks: given by masks.json');
      const table = compare(`eval ${engine.name}`, readScoresCsv(await readFile(latestRunFile(workspace, 'parity', 'scores.csv'), 'utf8')), await weights());
      const stored = await readComponents(latestRunFile(workspace, 'parity', 'components.bin'));
      const patches = stored.videos.find((entry) => entry.name === video!.name)!.patches;
      Object.assign(table, {
        patch_discrepancy: maxDifference(patches.discrepancy, official.patchDiscrepancy),
        patch_anomaly_map: maxDifference(patches.anomalyMap, official.patchAnomalyMap),
      });
      Object.assign(differences[`eval ${engine.name}`]!, table);
      for (const [output, difference] of Object.entries(table)) expect(difference, `eval ${engine.name} ${output}`).toBeLessThan(TOLERANCE);
      const metrics = JSON.parse(await readFile(latestRunFile(workspace, 'parity', 'metrics.json'), 'utf8')) as { test_masks?: { given: string } };
      expect(metrics.test_masks?.given).toBe('masks.json');
    }, 300_000);

    it(`vadc score ${engine.args.join(' ')} --test-masks gives the official outputs within 1e-4`, async () => {
      const out = `scored-${engine.name}`;
      const result = await runBuiltCli(['score', 'runs/parity/latest', join('data', 'test', video!.name), ...engine.args, '--test-masks', 'masks.json', '--out', out], workspace);
      expect(result.code, result.stderr).toBe(0);
      const table = compare(`score ${engine.name}`, readScoresCsv(await readFile(join(workspace, out, 'scores.csv'), 'utf8')), await weights());
      for (const [output, difference] of Object.entries(table)) expect(difference, `score ${engine.name} ${output}`).toBeLessThan(TOLERANCE);
    }, 300_000);
  }

  it('refuses a masks file that does not fit, naming the file, the video, the frame and what was expected (exit 2)', async () => {
    const order = npy('video_order').data;
    const frame = (index: number) => Array.from(order.subarray(index * tokens, index * tokens + kept));
    const grid = [height / manifest.patch, width / manifest.patch];
    const cases: Array<[string, unknown, RegExp]> = [
      ['short.json', { vadc_test_masks: 1, grid, videos: { [video!.name]: [frame(0), frame(1).slice(1)] } }, new RegExp(`short\\.json, video ${video!.name}, frame 1: expected a list of the ${kept} patches the encoder sees`)],
      ['index.json', { vadc_test_masks: 1, grid, videos: { [video!.name]: [[...frame(0).slice(1), tokens]] } }, new RegExp(`index\\.json, video ${video!.name}, frame 0: ${tokens} is not a patch index 0\\.\\.${tokens - 1}`)],
      ['grid.json', { vadc_test_masks: 1, grid: [1, tokens], videos: {} }, /grid\.json, key grid: expected the model's patch grid/],
      ['frames.json', { vadc_test_masks: 1, grid, videos: { [video!.name]: [frame(0)] } }, new RegExp(`frames\\.json, video ${video!.name}: 1 masks for ${frames} frames`)],
    ];
    for (const [file, content, message] of cases) await writeFile(join(workspace, file), JSON.stringify(content));
    await writeFile(join(workspace, 'broken.json'), '{ "vadc_test_masks": 1,');
    cases.push(['broken.json', null, /broken\.json: not JSON/]);
    for (const [file, , message] of cases) {
      const result = await runBuiltCli(['score', 'runs/parity/latest', join('data', 'test', video!.name), '--test-masks', file, '--out', 'refused'], workspace);
      expect(result.code, `${file}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const evaluated = await runBuiltCli(['eval', 'runs/parity/latest', '--test-masks', 'frames.json'], workspace);
    expect(evaluated.code, evaluated.stderr).toBe(2);
    expect(evaluated.stderr).toMatch(/frames\.json, video clip: 1 masks for 8 frames/);
  }, 300_000);
});
