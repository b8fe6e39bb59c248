// A detector left on a camera (issue 27), each command in a fresh process of the built CLI: a live stream that
// drops reconnects and reports the gap, one gone for good fails naming the input; event times are the input's own;
// live decisions are smoothed causally (the first frame can alarm); calibration says what its footage can promise;
// raw stdin bytes are checked; ffmpeg's failures are said as what to do, and every input error exits 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, runFfmpeg } from '@vadc/runtime';
import { BUILT_CLI, latestRunFile, runBuiltCli, type CliResult } from '../test-built-cli.ts';
import { onnxInstalled } from '../test-onnx.ts';
import { tinyRecipe, trainInWorkspace } from '../test-recipe.ts';
import { freePort, listening } from '../test-stream-server.ts';

const RECIPE = tinyRecipe({ name: 'camera', dataSeed: 4, trainVideos: 2, frames: 14, walkers: [1, 2], scoring: '{ smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 4 }', metrics: ['micro_auc'] });

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const csvRows = async (path: string) => existsSync(path) ? (await readFile(path, 'utf8')).trim().split('\n').slice(1).filter((row) => row !== '').map((row) => row.split(',')) : [];
const jsonLines = (text: string) => text.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The built CLI as a running process whose output can be watched before it exits.
function startBuiltCli(args: string[], cwd: string): { child: ChildProcess; stderr: () => string; exited: Promise<CliResult> } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return { child, stderr: () => stderr, exited };
}

describe.runIf(onnxInstalled)('vadc on a camera: streams that fail loudly, real time, live smoothing, checked inputs', () => {
  let workspace = '';
  let pkg = '';
  const servers: ChildProcess[] = [];
  // `from`: seconds into the file where the server starts (a restreamer restarted at the current time of its file).
  const serve = async (file: string, port: number, format = 'matroska', from = 0): Promise<ChildProcess> => {
    const server = spawn(ffmpegPath(), ['-v', 'error', ...(from > 0 ? ['-ss', from.toFixed(1)] : []), '-re', '-i', join(workspace, file), '-c', 'copy', '-f', format, '-listen', '1', `http://127.0.0.1:${port}/cam.mkv`], { stdio: 'ignore' });
    servers.push(server);
    await listening(port, 120_000);
    return server;
  };
  const generate = async (target: string, filter: string, seconds: number, codec: string[]) => {
    const { code, stderr } = await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', filter, '-t', String(seconds), ...codec, '-y', join(workspace, target)]);
    expect(code, stderr).toBe(0);
  };

  beforeAll(async () => {
    ({ workspace } = await trainInWorkspace('camera', 'camera', RECIPE));
    const exported = await runBuiltCli(['export', latestRunFile(workspace, 'camera')], workspace);
    expect(exported.code, exported.stderr).toBe(0);
    pkg = latestRunFile(workspace, 'camera', 'package');
    // A 10 fps camera clip (20 s, 200 frames: longer than the 64 frames the reader queues, so a server killed after a
    // few decisions is killed mid-stream) in Matroska for serving, an 18 s 10 fps mjpeg AVI, and that AVI with its rate set to 0.
    await generate('cam.mkv', 'testsrc=size=72x48:rate=10', 20, ['-c:v', 'png']);
    await generate('live.mkv', 'testsrc=size=72x48:rate=10', 60, ['-c:v', 'png']);
    await generate('ten.avi', 'testsrc=size=72x48:rate=10', 18, ['-c:v', 'mjpeg', '-q:v', '2']);
    const avi = Buffer.from(await readFile(join(workspace, 'ten.avi')));
    const strh = avi.indexOf('strh');
    avi.writeUInt32LE(0, strh + 8 + 24); // strh.dwRate
    avi.writeUInt32LE(0, avi.indexOf('avih') + 8); // avih.dwMicroSecPerFrame
    await writeFile(join(workspace, 'rate0.avi'), avi);
    await writeFile(join(workspace, 'cut.avi'), (await readFile(join(workspace, 'ten.avi'))).subarray(0, 30_000));
    await generate('tone.mkv', 'sine=frequency=440', 6, ['-c:a', 'flac']);
  }, 300_000);

  afterAll(() => {
    for (const server of servers) server.kill('SIGKILL');
  });

  it('a stream whose server is killed and restarted twice: two gap lines, every frame decided as it comes under --out, exit 0', async () => {
    const port = await freePort();
    let server = await serve('cam.mkv', port);
    const out = join(workspace, 'live');
    const decisions = join(out, 'decisions.csv');
    const cli = startBuiltCli(['score', pkg, `http://127.0.0.1:${port}/cam.mkv`, '--threshold=-1', '--reconnect', '5', '--reconnect-delay', '0.2', '--out', out], workspace);
    for (const drop of [1, 2]) {
      const before = (await csvRows(decisions)).length;
      await until(`decisions after drop ${drop - 1}`, async () => (await csvRows(decisions)).length >= before + 5, 120_000);
      // Decisions are in the file while the stream still runs: written as they are made.
      expect(cli.child.exitCode).toBeNull();
      server.kill('SIGKILL');
      await until(`drop ${drop} noticed`, () => (cli.stderr().match(/dropped \(/g) ?? []).length >= drop, 120_000);
      server = await serve('cam.mkv', port);
    }
    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    const gaps = lines.filter((line) => line.type === 'gap');
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) {
      expect(gap.reason).toMatch(/stopped sending after \d+ frames \(200 declared\)/);
      expect(gap.to_seconds).toBeGreaterThan(gap.from_seconds);
      // A restarted server and a 0.2 s reconnect delay take longer than a frame time (0.1 s at 10 fps), and the lost
      // frames are the stream time between the frames either side (to_seconds - from_seconds, rounded to ms) at 10 fps.
      expect(gap.lost_frames).toBeGreaterThan(0);
      expect(Math.abs(gap.lost_frames - (gap.to_seconds - gap.from_seconds) * 10)).toBeLessThanOrEqual(0.51);
    }
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', gaps: 2, ended: 'end', fps: 10, fps_source: 'input' });
    // The last connection served the whole clip: at least 200 frames, each decided once, times increasing through the gaps.
    const rows = await csvRows(decisions);
    expect(rows.length).toBe(summary.frames);
    expect(rows.length).toBeGreaterThanOrEqual(200 + 10);
    const seconds = rows.map((row) => Number(row[1]));
    seconds.slice(1).forEach((value, index) => expect(value).toBeGreaterThan(seconds[index]!));
    expect(rows.every((row) => !Number.isNaN(Date.parse(row[2]!)))).toBe(true);
    expect(existsSync(join(out, 'events.jsonl'))).toBe(true);
  }, 240_000);

  it('a live server restarted twice where its file had got to (declaring the whole file each time): two gap lines, the file\'s end is a clean end, exit 0', async () => {
    const port = await freePort();
    let server = await serve('live.mkv', port);
    const out = join(workspace, 'resumed');
    const decisions = join(out, 'decisions.csv');
    const cli = startBuiltCli(['score', pkg, `http://127.0.0.1:${port}/cam.mkv`, '--threshold=-1', '--reconnect', '5', '--reconnect-delay', '0.2', '--out', out], workspace);
    // The server's file time runs from when its client connected (-listen waits for it): vadc says so once it reads.
    await until('the stream opened', () => / at 10 fps /.test(cli.stderr()), 120_000);
    const started = Date.now();
    for (const drop of [1, 2]) {
      const before = (await csvRows(decisions)).length;
      await until(`decisions after drop ${drop - 1}`, async () => (await csvRows(decisions)).length >= before + 5, 120_000);
      server.kill('SIGKILL');
      await until(`drop ${drop} noticed`, () => (cli.stderr().match(/dropped \(/g) ?? []).length >= drop, 120_000);
      // Restarted at the current time of the 60 s file, as a camera's restreamer comes back (at most 45 s in, so that
      // a slow machine still leaves it frames to send); it declares the whole file's duration.
      server = await serve('live.mkv', port, 'matroska', Math.min(45, (Date.now() - started) / 1000));
    }
    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.filter((line) => line.type === 'gap')).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', gaps: 2, ended: 'end', fps: 10 });
    // The last frame is the file's end in stream time (the gaps counted by the wall clock): about 60 s.
    const rows = await csvRows(decisions);
    expect(rows.length).toBe(lines.at(-1)!.frames);
    expect(Number(rows.at(-1)![1])).toBeGreaterThan(55);
    expect(Number(rows.at(-1)![1])).toBeLessThan(65);
  }, 300_000);

  it('a stream whose server is killed for good exits 2 after the reconnect attempts, naming the input and the last error', async () => {
    const port = await freePort();
    const server = await serve('cam.mkv', port);
    const url = `http://127.0.0.1:${port}/cam.mkv`;
    const out = join(workspace, 'lost');
    const cli = startBuiltCli(['score', pkg, url, '--threshold=-1', '--reconnect', '2', '--reconnect-delay', '0.2', '--out', out], workspace);
    await until('first decisions', async () => (await csvRows(join(out, 'decisions.csv'))).length >= 3, 120_000);
    server.kill('SIGKILL');
    const result = await cli.exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`vadc score: ${url}: the stream dropped after`);
    expect(result.stderr).toMatch(/2 reconnection attempts failed; last error: .*Connection refused: nothing answers at that address/);
    expect(result.stderr).toContain('attempt 2 of 2');
    // What was received is still decided and summarised before the failure.
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ type: 'summary', ended: 'lost' });
  }, 240_000);

  it('times come from the input: a 10 fps AVI\'s frames 0-179 span 0-18 s; an AVI whose rate is 0 needs --fps', async () => {
    const scored = await runBuiltCli(['score', pkg, 'ten.avi', '--threshold=-1', '--out', 'ten'], workspace);
    expect(scored.code, scored.stderr).toBe(0);
    const events = await readJson<{ fps: number; events: Array<Record<string, number>> }>(join(workspace, 'ten', 'events.json'));
    expect(events.fps).toBe(10);
    expect(events.events).toEqual([expect.objectContaining({ start: 0, end: 179, start_seconds: 0, end_seconds: 18 })]);
    const rate0 = await runBuiltCli(['score', pkg, 'rate0.avi', '--threshold=-1', '--out', 'rate0'], workspace);
    expect(rate0.code).toBe(2);
    expect(rate0.stderr).toMatch(/rate0\.avi declares no usable frame rate: give --fps/);
    const given = await runBuiltCli(['score', pkg, 'rate0.avi', '--threshold=-1', '--out', 'rate0', '--fps', '4'], workspace);
    expect(given.code, given.stderr).toBe(0);
    expect((await readJson<{ events: Array<Record<string, number>> }>(join(workspace, 'rate0', 'events.json'))).events[0]).toMatchObject({ end: 179, end_seconds: 45 });
  }, 240_000);

  it('live smoothing is causal: the first frame is decided on its own score, so a stream can alarm at its start', async () => {
    // The stream's frames are scored under the name "stdin" (the name seeds the test-time masks): the same file under that name.
    await writeFile(join(workspace, 'stdin.avi'), await readFile(join(workspace, 'ten.avi')));
    const scored = await runBuiltCli(['score', pkg, 'stdin.avi', '--out', 'first', '--threshold', '0'], workspace);
    expect(scored.code, scored.stderr).toBe(0);
    const rows = await csvRows(join(workspace, 'first', 'decisions.csv'));
    expect(Number(rows[0]![2])).toBeCloseTo(Number(rows[0]![1]), 6);
    const events = await readJson<{ smoothing: string }>(join(workspace, 'first', 'events.json'));
    expect(events.smoothing).toMatch(/^causal gaussian sigma 1, 2 frames back, 0 ahead \(latency 0 frames\)/);
    // A threshold just under frame 0's score: the stream's first decision is an alarm.
    const threshold = Number(rows[0]![1]) - 1e-6;
    const live = await runBuiltCli(['score', pkg, '-', '--frame-size', '72x48', '--fps', '10', `--threshold=${threshold}`, '--max-frames', '8'], workspace, await rawFrames('ten.avi', 8));
    expect(live.code, live.stderr).toBe(0);
    const lines = jsonLines(live.stdout);
    expect(lines[0]).toMatchObject({ type: 'event_start', frame: 0, seconds: 0 });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', lag_frames: 3, lag_seconds: 0.3, fps_source: '--fps', ended: 'max-frames' });
  }, 240_000);

  async function rawFrames(file: string, count: number): Promise<Uint8Array> {
    const target = join(workspace, `${file}.rgb`);
    const { code, stderr } = await runFfmpeg(['-v', 'error', '-i', join(workspace, file), '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', target]);
    expect(code, stderr).toBe(0);
    return readFile(target);
  }

  it('raw stdin frames are checked: container bytes and a trailing partial frame exit 2; raw frames need --fps', async () => {
    const container = await runBuiltCli(['score', pkg, '-', '--frame-size', '360x240', '--fps', '10', '--threshold', '0'], workspace, await readFile(join(workspace, 'ten.avi')));
    expect(container.code).toBe(2);
    expect(container.stderr).toMatch(/stdin: these bytes are not raw RGB24 frames but a file \(AVI/);
    const frames = await rawFrames('ten.avi', 3);
    const partial = await runBuiltCli(['score', pkg, '-', '--frame-size', '72x48', '--fps', '10', '--threshold', '0'], workspace, frames.subarray(0, 72 * 48 * 3 * 2 + 100));
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/the input ended 100 bytes into frame 2: 72x48 RGB24 frames are 10368 bytes each \(is --frame-size right\?\)/);
    const noRate = await runBuiltCli(['score', pkg, '-', '--frame-size', '72x48', '--threshold', '0'], workspace, frames);
    expect(noRate.code).toBe(2);
    expect(noRate.stderr).toMatch(/raw frames on stdin carry no frame rate: give --fps/);
  }, 240_000);

  it('input errors exit 2 with what to do: a cut .avi, a stream without video (no ffmpeg command-line hint)', async () => {
    const cut = await runBuiltCli(['score', pkg, 'cut.avi', '--threshold', '0'], workspace);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/cut\.avi: .*cut short/);
    const port = await freePort();
    await serve('tone.mkv', port);
    const audio = await runBuiltCli(['score', pkg, `http://127.0.0.1:${port}/cam.mkv`, '--threshold', '0', '--reconnect', '0'], workspace);
    expect(audio.code).toBe(2);
    expect(audio.stderr).toMatch(/ffmpeg found no video stream in it/);
    expect(audio.stderr).not.toContain('trailing \'?\'');
  }, 240_000);

  it('calibration says what its footage can promise, keeps a package\'s fps, and a package needs --normal', async () => {
    const none = await runBuiltCli(['calibrate', pkg], workspace);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/a model package is calibrated on footage of its camera: .*--normal/);
    // 18 s of footage for 1 false alarm per hour: a warning, and calibration states the finest rate it can show (200 per hour).
    const short = await runBuiltCli(['calibrate', pkg, '--normal', 'ten.avi', '--json'], workspace);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stderr).toMatch(/warning: 18\.0 s of normal footage \(180 frames at 10 fps\): one false alarm in it is 200 per hour, so it cannot show 1 per hour/);
    const record = JSON.parse(short.stdout) as Record<string, any>;
    expect(record).toMatchObject({ fps: 10, fps_source: 'footage', footage_seconds: 18, resolution: { finest: 200, enough: false } });
    expect(record.resolution.warning).toMatch(/at least 1\.00 h of normal footage/);
    // A frame folder has no rate: the package's fps (10, from the calibration above) is kept, not reset to 25.
    const folder = join(workspace, 'frames');
    await mkdir(folder, { recursive: true });
    const { code } = await runFfmpeg(['-v', 'error', '-i', join(workspace, 'ten.avi'), '-frames:v', '20', join(folder, '%03d.png')]);
    expect(code).toBe(0);
    const again = await runBuiltCli(['calibrate', pkg, '--normal', 'frames', '--percentile', '90'], workspace);
    expect(again.code, again.stderr).toBe(0);
    const manifest = await readJson<{ threshold: { fps: number } }>(join(pkg, 'vadc-model.json'));
    expect(manifest.threshold.fps).toBe(10);
  }, 240_000);
});
