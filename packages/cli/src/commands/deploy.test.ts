// From a trained run to a deployed detector, each command in a fresh process of the built CLI: `vadc export` writes a
// model package, `vadc calibrate` picks the threshold on normal footage (and refuses without any), `vadc score`
// gives identical numbers from the package and from the run folder, writes events, an annotated MP4, and scores a
// stream served by ffmpeg on 127.0.0.1 to the same events as the file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { liveSmoothing, smoothLive } from '@vadc/metrics';
import { encodeVideo, ffmpegPath, openDataset, probeVideo, type VideoSource } from '@vadc/runtime';
import { runBuiltCli } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { tinyRecipe, trainInWorkspace } from '../test-recipe.ts';
import { freePort, listening } from '../test-stream-server.ts';

const RECIPE = tinyRecipe({ name: 'deployed', dataSeed: 4, trainVideos: 2, frames: 14, walkers: [1, 2], scoring: '{ smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 4 }', metrics: ['micro_auc'] });

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const csv = async (path: string) => (await readFile(path, 'utf8')).trim().split('\n').slice(1).map((row) => row.split(','));

async function writeVideo(video: VideoSource, file: string): Promise<Uint8Array> {
  const frameBytes = video.resolution[0] * video.resolution[1] * 3;
  const rgb = new Uint8Array(video.frameCount * frameBytes);
  for (let frame = 0; frame < video.frameCount; frame++) rgb.set(await video.readFrame(frame), frame * frameBytes);
  await encodeVideo(file, rgb, video.frameCount, video.resolution, 'png'); // lossless: decoding gives these bytes back
  return rgb;
}

describe('vadc export, calibrate and score from fresh processes', () => {
  let workspace = '';
  let run = '';
  let normalRgb: Uint8Array;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    ({ workspace, run } = await trainInWorkspace('deploy', 'deployed', RECIPE));
    const plan = await readJson<Plan>(join(run, 'plan.json'));
    const dataset = await openDataset(plan);
    // Normal footage: a training video; the scored clip: a test video with anomalies.
    normalRgb = await writeVideo(dataset.train[0]!, join(workspace, 'normal.mkv'));
    await writeVideo(dataset.test[1]!, join(workspace, 'clip.mkv'));
  }, 300_000);

  afterAll(() => {
    for (const server of servers) server.kill('SIGKILL');
  });

  it('exports a model package from a fresh process: graph plus manifest', async () => {
    const result = await runBuiltCli(['export', run], workspace);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(join(run, 'package'));
    const manifest = await readJson<Record<string, any>>(join(run, 'package', 'vadc-model.json'));
    const record = await readJson<{ hash: string; datasetFingerprint: { digest: string } }>(join(run, 'run.json'));
    expect(manifest).toMatchObject({
      format: 'vadc-model-package', version: 2, graph: 'model.onnx', recipe: { name: 'deployed', hash: record.hash },
      input: { size: [32, 48], context: [-3, 0, 3] }, motion: { step: 1 }, masking: { strategy: 'random', ratio: 0.5, seed: 5 },
      scoring: { smoothing: { kind: 'gaussian', range: 4, sigma: 1 } }, threshold: null,
    });
    // The package carries the run's dataset fingerprint, so a deployer knows which data the model learnt from.
    expect(manifest.dataset_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.dataset_fingerprint).toBe(record.datasetFingerprint.digest);
    expect(manifest.graph_io.inputs).toEqual(['frames', 'keep_index', 'restore_index']);
    expect((await readFile(join(run, 'package', 'model.onnx'))).length).toBeGreaterThan(10_000);
    expect((await runBuiltCli(['export', run, '--format', 'tflite'], workspace)).code).toBe(2);
  }, 120_000);

  it('calibrate refuses without normal footage, then picks the percentile of the normal video\'s smoothed scores', async () => {
    const none = await runBuiltCli(['calibrate', run], workspace);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no normal footage.*--normal/);
    const result = await runBuiltCli(['calibrate', run, '--normal', 'normal.mkv', '--percentile', '90', '--json'], workspace);
    expect(result.code, result.stderr).toBe(0);
    const calibration = await readJson<{ threshold: number; source: string; frames: number; achieved: { abnormal_frames: number } }>(join(run, 'calibration.json'));
    expect(calibration).toMatchObject({ source: 'normal', frames: 14 });
    // --json: stdout is exactly the stored record and where it went; the logs stay on stderr.
    expect(JSON.parse(result.stdout)).toEqual({ ...calibration, written_to: join(run, 'calibration.json') });
    expect(result.stderr).toContain('engine:');
    // The same footage scored by `vadc score`: the threshold is the nearest-rank 90th percentile (13th of 14) of its smoothed scores.
    const scored = await runBuiltCli(['score', run, 'normal.mkv', '--out', 'normal-scored'], workspace);
    expect(scored.code, scored.stderr).toBe(0);
    const smoothed = (await csv(join(workspace, 'normal-scored', 'decisions.csv'))).map((row) => Number(row[2])).sort((a, b) => a - b);
    expect(calibration.threshold).toBe(smoothed[12]);
    expect(calibration.achieved.abnormal_frames).toBe(1);
    expect(normalRgb.length).toBe(14 * 48 * 72 * 3);
  }, 120_000);

  it.runIf(onnxInstalled)('scores from the package exactly as from the run folder on onnx, smoothed live (causal), with events', async () => {
    const exported = await runBuiltCli(['export', run, '--json'], workspace);
    expect(exported.code, exported.stderr).toBe(0);
    const calibration = await readJson<{ threshold: number }>(join(run, 'calibration.json'));
    const manifest = await readJson<{ threshold: { value: number }; dataset_fingerprint: string }>(join(run, 'package', 'vadc-model.json'));
    expect(manifest.threshold.value).toBe(calibration.threshold);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      package: join(run, 'package'), graph: join(run, 'package', 'model.onnx'), manifest: join(run, 'package', 'vadc-model.json'),
      threshold: calibration.threshold, dataset_fingerprint: manifest.dataset_fingerprint,
      graph_bytes: (await readFile(join(run, 'package', 'model.onnx'))).length,
    });
    const fromPackage = await runBuiltCli(['score', join(run, 'package'), 'clip.mkv', '--out', 'from-package', '--mp4'], workspace);
    expect(fromPackage.code, fromPackage.stderr).toBe(0);
    const fromRun = await runBuiltCli(['score', run, 'clip.mkv', '--out', 'from-run', '--engine', 'onnx', '--json'], workspace);
    expect(fromRun.code, fromRun.stderr).toBe(0);
    // --json: one object on stdout, events.json's content plus the files written; the summary line went to stderr.
    expect(JSON.parse(fromRun.stdout)).toEqual({
      out: join(workspace, 'from-run'),
      files: Object.fromEntries(Object.entries({ scores: 'scores.csv', decisions: 'decisions.csv', events_json: 'events.json', events_csv: 'events.csv' }).map(([key, file]) => [key, join(workspace, 'from-run', file)])),
      ...(await readJson<object>(join(workspace, 'from-run', 'events.json'))),
    });
    expect(fromRun.stderr).toContain('frames scored');
    for (const file of ['scores.csv', 'decisions.csv', 'events.json']) {
      expect(await readFile(join(workspace, 'from-package', file), 'utf8'), file).toBe(await readFile(join(workspace, 'from-run', file), 'utf8'));
    }
    const rows = await csv(join(workspace, 'from-package', 'decisions.csv'));
    expect(rows).toHaveLength(14);
    const expected = smoothLive(rows.map((row) => Number(row[1])), liveSmoothing({ range: 4, sigma: 1 }));
    rows.forEach((row, frame) => {
      expect(Number(row[2])).toBeCloseTo(expected[frame]!, 6);
      expect(row[3]).toBe(Number(row[2]) > calibration.threshold ? '1' : '0');
    });
    const events = await readJson<{ threshold: number; events: Array<{ start: number; end: number; peak: number }> }>(join(workspace, 'from-package', 'events.json'));
    expect(events.threshold).toBe(calibration.threshold);
    const abnormal = rows.filter((row) => row[3] === '1').length;
    expect(events.events.reduce((sum, event) => sum + event.end - event.start + 1, 0)).toBe(abnormal);
    expect(await probeVideo(join(workspace, 'from-package', 'annotated.mp4'))).toMatchObject({ frameCount: 14, resolution: [48, 72] });
    // TF.js (the reference) on the run folder gives the same scores within float rounding.
    const tfjs = await runBuiltCli(['score', run, 'clip.mkv', '--out', 'from-tfjs'], workspace);
    expect(tfjs.code, tfjs.stderr).toBe(0);
    const reference = await csv(join(workspace, 'from-tfjs', 'decisions.csv'));
    reference.forEach((row, frame) => expect(Number(row[1])).toBeCloseTo(Number(rows[frame]![1]), 4));
  }, 180_000);

  it.runIf(onnxInstalled)('scores a stream served by ffmpeg on 127.0.0.1 live, to the events of the file', async () => {
    const file = await runBuiltCli(['score', join(run, 'package'), 'clip.mkv', '--out', 'median'], workspace);
    expect(file.code).toBe(0);
    // A threshold at the clip's median smoothed score, so that there are events to compare.
    const smoothed = (await csv(join(workspace, 'median', 'decisions.csv'))).map((row) => Number(row[2]));
    const threshold = [...smoothed].sort((a, b) => a - b)[7]!;
    const fromFile = await runBuiltCli(['score', join(run, 'package'), 'clip.mkv', '--out', 'at-median', '--threshold', String(threshold)], workspace);
    const expected = (await readJson<{ events: Array<Record<string, unknown>> }>(join(workspace, 'at-median', 'events.json'))).events;
    expect(fromFile.code).toBe(0);
    expect(expected.length).toBeGreaterThan(0);

    const port = await freePort();
    const server = spawn(ffmpegPath(), ['-v', 'error', '-re', '-i', join(workspace, 'clip.mkv'), '-c', 'copy', '-f', 'matroska', '-listen', '1', `http://127.0.0.1:${port}/clip.mkv`], { stdio: 'ignore' });
    servers.push(server);
    await listening(port);
    const live = await runBuiltCli(['score', join(run, 'package'), `http://127.0.0.1:${port}/clip.mkv`, '--threshold', String(threshold)], workspace);
    expect(live.code, live.stderr).toBe(0);
    const lines = live.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', video: 'clip', frames: 14, events: expected.length, lag_frames: 3 + 0, ended: 'end', gaps: 0 });
    expect(summary.latency_ms.max).toBeGreaterThanOrEqual(summary.latency_ms.min);
    // Stream events also say when each decision was made (wall_time); the rest is the file's events.
    const events = lines.filter((line) => line.type === 'event').map(({ type: _type, wall_time: wall, ...event }) => {
      expect(Number.isNaN(Date.parse(wall))).toBe(false);
      return event;
    });
    expect(events.map(({ peak_score: _score, ...event }) => event)).toEqual(expected.map(({ peak_score: _score, ...event }) => event));
    events.forEach((event, index) => expect(event.peak_score).toBeCloseTo(expected[index]!.peak_score as number, 5));
    // Each event was announced when it started, before it ended.
    expect(lines.filter((line) => line.type === 'event_start')).toHaveLength(expected.length);
  }, 120_000);

  it.runIf(onnxInstalled)('scores raw RGB frames on stdin, and refuses - without a frame size', async () => {
    const refused = await runBuiltCli(['score', join(run, 'package'), '-', '--threshold', '0'], workspace);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--frame-size/);
    const live = await runBuiltCli(['score', join(run, 'package'), '-', '--frame-size', '72x48', '--fps', '25', '--threshold', '1e9', '--max-frames', '10'], workspace, normalRgb);
    expect(live.code, live.stderr).toBe(0);
    const summary = JSON.parse(live.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', video: 'stdin', frames: 10, events: 0 });
    expect(existsSync(join(run, 'package', 'model.onnx'))).toBe(true);
  }, 60_000);
});
