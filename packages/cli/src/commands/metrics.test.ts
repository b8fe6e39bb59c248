import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '@vadc/runtime';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTerminal: false, cwd, env: {} } };
}

async function run(document: unknown, extra: string[] = [], files: Record<string, Uint8Array> = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'vadc-metrics-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(folder, name), bytes);
  await writeFile(join(folder, 'input.json'), typeof document === 'string' ? document : JSON.stringify(document));
  const { out, err, io } = capture(folder);
  const status = await runCli(['metrics', 'input.json', ...extra], io);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

const square = [10, 10, 29, 29];
const regionsInput = {
  config: { smoothing: 'none', normalize_scores: false, region_overlap: 0.1, track_overlap: 0.1 },
  videos: [
    {
      name: 'b',
      labels: [0, 0, 1, 1],
      scores: [0.1, 0.2, 0.9, 0.7],
      gt_regions: { '2': [{ track_id: 0, box: square }] },
      pred_regions: { '2': [{ box: square, score: 0.8 }] },
    },
    { name: 'a', labels: [0, 0, 0], scores: [0.5, 2, 0.3], pred_regions: {} },
  ],
};

describe('vadc metrics', () => {
  it('prints the metric values of metrics.json, null where they cannot be computed', async () => {
    const { status, stdout } = await run(regionsInput);
    expect(status).toBe(0);
    // frame values hand-computed in packages/metrics/src/frame-auc.test.ts (same videos)
    expect(JSON.parse(stdout)).toEqual({ micro_auc: 0.8, macro_auc: 0.875, macro_auc_clean: 1, rbdc: 1, tbdc: 1, pixel_auc: null });
  });

  it('adds clean variants, per-video AUCs in sorted order and curves with --full; --json is one line', async () => {
    const { status, stdout } = await run(regionsInput, ['--full', '--json']);
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(stdout);
    expect(result.macro_auc_clean).toBe(1);
    expect(result.skipped_videos).toEqual(['a']);
    expect(result.per_video).toEqual([
      { name: 'a', frames: 3, auc_padded: 0.75, auc_clean: null },
      { name: 'b', frames: 4, auc_padded: 1, auc_clean: 1 },
    ]);
    expect(result.curves.localization).toEqual({ thresholds: [0.8], false_positives_per_frame: [0], region_detection_rate: [1], track_detection_rate: [1] });
    // The curve keys of a run's metrics.json: curves.roc {fpr, tpr}; thresholds[0] is +Infinity, written as null.
    expect(Object.keys(result.curves.roc)).toEqual(['fpr', 'tpr', 'thresholds']);
    expect(result.curves.roc.thresholds[0]).toBeNull();
    expect(Object.keys(result.variants)).toEqual(['micro_auc', 'macro_auc', 'macro_auc_clean', 'rbdc', 'tbdc', 'pixel_auc']);
    expect(result.counts).toEqual({ frames: 7, gt_regions: 1, gt_tracks: 1 });
    expect(result.config.smoothing).toBeNull();
  });

  it('reads anomaly maps and GT masks from .npy files relative to the JSON', async () => {
    // 2 frames of 4 x 4. Frame 1: GT mask on (0,0) and the 2x2 block at (1..2, 1..2); the map is 0.9 on the block.
    // Frame 0: a 0.5 pixel at (3,3) and no GT: a false positive at threshold 0.25 only.
    const maps = new Float32Array(32);
    const masks = new Uint8Array(32);
    for (const pixel of [5, 6, 9, 10]) {
      maps[16 + pixel] = 0.9;
      masks[16 + pixel] = 1;
    }
    masks[16] = 1;
    maps[15] = 0.5;
    const document = {
      config: { smoothing: 'none', map_thresholds: [0.25, 0.75] },
      videos: [{ name: 'v', labels: [0, 1], scores: [0.1, 0.9], anomaly_maps: 'maps.npy', gt_masks: 'masks.npy' }],
    };
    const files = { 'maps.npy': writeNpy({ shape: [2, 4, 4], dtype: 'f4', data: maps }), 'masks.npy': writeNpy({ shape: [2, 4, 4], dtype: 'u1', data: masks }) };
    const { status, stdout, stderr } = await run(document, [], files);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    // GT box [0, 0, 2, 2] (one 8-connected component) vs predicted [1, 1, 2, 2]: IoU 4/9 -> detected at both levels
    expect(result.rbdc).toBe(1);
    expect(result.tbdc).toBe(1);
    // positives {0.9 x4, 0} vs negatives {0 x26, 0.5}: 4 x 27 wins + 26 ties / 2 = 121 of 5 x 27
    expect(result.pixel_auc).toBeCloseTo(121 / 135, 12);
  });

  it.each([
    [{ videos: [{ name: 'v', labels: [0, 1], scores: [0.5] }] }, /video "v": scores: has 1 values but labels has 2/],
    [{ videos: [{ name: 'v', labels: [0, null], scores: [0.5, 1] }] }, /input\.json: videos\[0\]\.labels\[1\]: expected one of 0, 1, found null/],
    [{ videos: [{ name: 'v', labels: [0, 1], scores: [0, 1], extra: 1 }] }, /input\.json: videos\[0\]\.extra: expected one of the keys name, labels, .*, found an unknown key/],
    [{ videos: [{ name: 'v', labels: [0, 1], anomaly_maps: 'missing.npy' }] }, /video "v": anomaly_maps: missing.npy: .*no such file/i],
    [{ videos: [{ name: 'v', labels: [0, 1], gt_regions: { '2': [] } }] }, /video "v": gt_regions\["2"\]: frame index/],
    [{ videos: [{ name: 'v', labels: [0, 1], gt_regions: { '1': [{ track_id: 0, box: [5, 0, 1, 0] }] } }] }, /gt_regions\["1"\]\[0\]\.box/],
    [{ config: { smoothing: { range: 37, sigma: 11 } }, videos: [{ name: 'v', labels: [0, 1], scores: [0, 1] }] }, /range: smoothing range 37 is odd/],
    [{ config: { smoothing: 'avenue' }, videos: [{ name: 'v', labels: [0, 1], scores: [0, 1] }] }, /unknown smoothing preset "avenue"/],
    [{ config: { colour: 1 }, videos: [] }, /config\.colour: expected one of the keys smoothing, .*, found an unknown key/],
    [{ videos: [{ name: 'v', labels: [1], pred_regions: {}, gt_regions: {} }, { name: 'w', labels: [0] }] }, /video "w": pred_regions: missing/],
    [{ videos: [{ name: 'v', labels: [1] }, { name: 'v', labels: [0] }] }, /video "v": name: appears twice/],
    ['{"videos": [', /input\.json: /],
  ])('rejects bad input with exit 2 naming the video and field (%#)', async (document, message) => {
    const { status, stderr, stdout } = await run(document);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('reports every schema problem at once: the file, the JSON path, what was expected and what was found', async () => {
    const document = { config: { region_overlap: 0, map_thresholds: 'many' }, videos: [{ name: '', labels: [0, 2], scores: 'high' }] };
    const { status, stderr } = await run(document);
    expect(status).toBe(2);
    expect(stderr).toContain('input.json: config.region_overlap: expected a number > 0, found 0');
    expect(stderr).toContain('input.json: config.map_thresholds: expected integer or array, found "many"');
    expect(stderr).toContain('input.json: videos[0].name: expected a non-empty string, found ""');
    expect(stderr).toContain('input.json: videos[0].labels[1]: expected one of 0, 1, found 2');
    expect(stderr).toContain('input.json: videos[0].scores: expected array, found "high"');
  });

  it('accepts the official presets', async () => {
    const { status, stdout } = await run({ config: { smoothing: 'aed-mae-shanghaitech' }, videos: [{ name: 'v', labels: [0, 0, 1, 1], scores: [0.1, 0.2, 0.9, 0.7] }] }, ['--full']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).config).toMatchObject({ smoothing: { range: 900, sigma: 282 }, normalize_scores: true });
  });
});
