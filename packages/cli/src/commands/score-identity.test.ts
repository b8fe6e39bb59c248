// A frame's score depends only on the frames and the model (issue 24 point 3): the test-time mask is drawn from the
// frame's position and the recipe's seed, never from the input's name or transport. Each command is a fresh process
// of the built CLI: the same frames as a file, a renamed copy, raw frames on stdin and an HTTP stream under another
// name give identical scores and events (several masks per frame: model/test-mask.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { encodeVideo, ffmpegPath, openDataset } from '@vadc/runtime';
import { latestRunFile, runBuiltCli } from '../test-built-cli.ts';
import { tinyRecipe } from '../test-recipe.ts';
import { freePort, listening } from '../test-stream-server.ts';

const RECIPE = tinyRecipe({ name: 'identity', dataSeed: 4, trainVideos: 2, frames: 14, walkers: [1, 2], scoring: '{ smoothing: { gaussian: { range: 4, sigma: 1 } }, batch: 4 }', metrics: ['micro_auc'], engine: null });

/** The `score` column of a scores.csv, by frame. */
async function rawScores(path: string): Promise<string[]> {
  const [header, ...rows] = (await readFile(path, 'utf8')).trim().split('\n');
  const column = header!.split(',').indexOf('score');
  expect(column).toBeGreaterThan(0);
  return rows.map((row) => row.split(',')[column] as string);
}

describe('scores that depend only on the frames and the model', () => {
  let workspace = '';
  let run = '';
  let rgb = new Uint8Array(0);
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-identity-'));
    await writeFile(join(workspace, 'identity.yaml'), RECIPE);
    const trained = await runBuiltCli(['train', 'identity.yaml', '--out', 'runs'], workspace);
    expect(trained.code, trained.stderr).toBe(0);
    run = latestRunFile(workspace, 'identity');
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as Plan;
    const video = (await openDataset(plan)).test[1]!;
    const frameBytes = video.resolution[0] * video.resolution[1] * 3;
    rgb = new Uint8Array(video.frameCount * frameBytes);
    for (let frame = 0; frame < video.frameCount; frame++) rgb.set(await video.readFrame(frame), frame * frameBytes);
    await encodeVideo(join(workspace, 'clip.mkv'), rgb, video.frameCount, video.resolution, 'png'); // lossless
    await copyFile(join(workspace, 'clip.mkv'), join(workspace, 'camera-7 renamed.mkv'));
  }, 300_000);

  afterAll(() => {
    for (const server of servers) server.kill('SIGKILL');
  });

  it('a renamed copy, raw frames on stdin and an HTTP stream give the file\'s scores and events', async () => {
    const file = await runBuiltCli(['score', run, 'clip.mkv', '--out', 'file'], workspace);
    expect(file.code, file.stderr).toBe(0);
    const scores = await rawScores(join(workspace, 'file', 'scores.csv'));
    expect(new Set(scores).size).toBeGreaterThan(1);
    const renamed = await runBuiltCli(['score', run, 'camera-7 renamed.mkv', '--out', 'renamed'], workspace);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(await rawScores(join(workspace, 'renamed', 'scores.csv'))).toEqual(scores);

    // A threshold at the median smoothed score, so that there are events to compare.
    const smoothed = (await readFile(join(workspace, 'file', 'decisions.csv'), 'utf8')).trim().split('\n').slice(1).map((row) => Number(row.split(',')[2]));
    const threshold = String([...smoothed].sort((a, b) => a - b)[7]);
    const atThreshold = await runBuiltCli(['score', run, 'clip.mkv', '--out', 'events', '--threshold', threshold], workspace);
    expect(atThreshold.code, atThreshold.stderr).toBe(0);
    const expected = (JSON.parse(await readFile(join(workspace, 'events', 'events.json'), 'utf8')) as { events: Array<Record<string, unknown>> }).events;
    expect(expected.length).toBeGreaterThan(0);
    const streamEvents = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'event').map(({ type: _type, video: _video, wall_time: _wall, ...event }) => event);
    const withoutVideo = expected.map(({ video: _video, ...event }) => event);

    const stdin = await runBuiltCli(['score', run, '-', '--frame-size', '72x48', '--fps', '25', '--threshold', threshold], workspace, rgb);
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(streamEvents(stdin.stdout)).toEqual(withoutVideo);

    const port = await freePort();
    const server = spawn(ffmpegPath(), ['-v', 'error', '-re', '-i', join(workspace, 'clip.mkv'), '-c', 'copy', '-f', 'matroska', '-listen', '1', `http://127.0.0.1:${port}/lobby.mkv`], { stdio: 'ignore' });
    servers.push(server);
    await listening(port);
    const http = await runBuiltCli(['score', run, `http://127.0.0.1:${port}/lobby.mkv`, '--threshold', threshold], workspace);
    expect(http.code, http.stderr).toBe(0);
    expect(streamEvents(http.stdout)).toEqual(withoutVideo);
  }, 180_000);
});
