// `vadc score` with a tiny trained run: a test video written out as a folder of PNG frames scores exactly as
// `vadc run` / `vadc eval` scored it, and --draw writes a decodable PNG per frame with the regions of abnormal frames
// drawn and normal frames untouched. (deploy.test.ts runs score, export and calibrate as separate processes.)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { decodePng, encodeVideo, openDataset, type VideoSource } from '@vadc/runtime';
import { runCli } from '../cli.ts';
import { writeVideoPngs } from '../test-frames-dataset.ts';
import { percentile } from '../../../runtime/src/detect/draw-frames.ts';
import { tinyRecipe } from '../test-recipe.ts';

const RECIPE = tinyRecipe({ name: 'scored', dataSeed: 4, trainVideos: 1, frames: 14, walkers: [1, 2], scoring: '{ batch: 4 }', metrics: ['micro_auc'] });

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTerminal: false, cwd, env: {} } };
}

const csvRows = async (path: string) => (await readFile(path, 'utf8')).trim().split('\n');

describe('vadc score', () => {
  let workspace = '';
  let runDirectory = '';
  let video: VideoSource;
  let frames = '';

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'vadc-score-'));
    await writeFile(join(workspace, 'scored.yaml'), RECIPE);
    const { io, err } = capture(workspace);
    expect(await runCli(['run', 'scored.yaml', '--out', 'runs'], io), err.join('')).toBe(0);
    runDirectory = join(workspace, 'runs', 'scored', await readlink(join(workspace, 'runs', 'scored', 'latest')));
    const plan = JSON.parse(await readFile(join(runDirectory, 'plan.json'), 'utf8')) as Plan;
    video = (await openDataset(plan)).test[1]!;
    // The test video as lossless PNG frames in a folder named after it (scored outputs go under that name).
    frames = join(workspace, 'input', video.name);
    await writeVideoPngs(video, frames);
  }, 300_000);

  it('scores a frame folder exactly as the run scored that test video', async () => {
    const { io, out, err } = capture(workspace);
    expect(await runCli(['score', runDirectory, frames], io), err.join('')).toBe(0);
    const scored = await csvRows(join(runDirectory, 'scored', video.name, 'scores.csv'));
    expect(scored).toHaveLength(1 + 14);
    expect(scored[0]).toBe('video,frame,score,teacher,discrepancy,anomaly_map,label');
    // Natural order: f2 before f10, so row k is frame k.
    const fromRun = (await csvRows(join(runDirectory, 'scores.csv'))).filter((row) => row.startsWith(`${video.name},`));
    expect(fromRun).toHaveLength(14);
    const withoutLabel = (row: string) => row.split(',').slice(0, 6).join(',');
    expect(scored.slice(1).map(withoutLabel)).toEqual(fromRun.map(withoutLabel));
    expect(out.join('')).toContain('14 frames');
  }, 120_000);

  it('scores a video file (lossless PNG-in-Matroska) exactly as the run scored that test video', async () => {
    const rgb = new Uint8Array(14 * video.resolution[0] * video.resolution[1] * 3);
    for (let frame = 0; frame < 14; frame++) rgb.set(await video.readFrame(frame), (frame * rgb.length) / 14);
    const file = join(workspace, 'clips', `${video.name}.mkv`);
    await mkdir(join(workspace, 'clips'), { recursive: true });
    await encodeVideo(file, rgb, 14, video.resolution, 'png');
    const { io, err } = capture(workspace);
    expect(await runCli(['score', runDirectory, file, '--out', 'from-video'], io), err.join('')).toBe(0);
    const scored = await csvRows(join(workspace, 'from-video', 'scores.csv'));
    const fromRun = (await csvRows(join(runDirectory, 'scores.csv'))).filter((row) => row.startsWith(`${video.name},`));
    const withoutLabel = (row: string) => row.split(',').slice(0, 6).join(',');
    expect(scored.slice(1).map(withoutLabel)).toEqual(fromRun.map(withoutLabel));
  }, 120_000);

  it('draws the regions above the 99th percentile of the map into every abnormal frame', async () => {
    const target = join(workspace, 'drawn');
    const { io, out, err } = capture(workspace);
    // Every frame above a threshold of -1e9: all abnormal; without a calibration, the map threshold is the 99th percentile.
    expect(await runCli(['score', runDirectory, frames, '--out', 'drawn', '--draw', '--threshold=-1e9'], io), err.join('')).toBe(0);
    expect(out.join('')).toMatch(/regions boxed in abnormal frames \(map threshold \S+\)/);
    expect(err.join('')).toContain('(from --threshold)');
    const files = (await readdir(join(target, 'frames'))).sort();
    expect(files).toHaveLength(14);
    expect(files[0]).toBe('0000.png');
    const regions = JSON.parse(await readFile(join(target, 'regions.json'), 'utf8')) as { frames: Array<{ frame: number; abnormal: boolean; boxes: Array<{ box: number[] }> }> };
    expect(regions.frames.every((entry) => entry.abnormal)).toBe(true);
    const drawn = regions.frames.find((entry) => entry.boxes.length > 0)!;
    expect(drawn).toBeDefined(); // 1% of the patches lie above the 99th percentile
    const image = await decodePng(new Uint8Array(await readFile(join(target, 'frames', `${String(drawn.frame).padStart(4, '0')}.png`))));
    expect([image.height, image.width]).toEqual(video.resolution);
    const [x1, y1] = drawn.boxes[0]!.box as [number, number];
    expect(Array.from(image.data.subarray((y1 * image.width + x1) * 3, (y1 * image.width + x1) * 3 + 3))).toEqual([255, 0, 0]);
  }, 120_000);

  it('draws nothing when no frame is abnormal: the frames are the input frames', async () => {
    const { io, out } = capture(workspace);
    expect(await runCli(['score', runDirectory, frames, '--out', 'high', '--draw', '--threshold', '1e9'], io)).toBe(0);
    expect(out.join('')).toContain('0 abnormal in 0 events');
    const image = await decodePng(new Uint8Array(await readFile(join(workspace, 'high', 'frames', '0005.png'))));
    expect(Buffer.from(image.data).equals(Buffer.from(await video.readFrame(5)))).toBe(true);
  }, 120_000);

  it('refuses a folder without images and a bad threshold with exit 2', async () => {
    await mkdir(join(workspace, 'empty'), { recursive: true });
    const empty = capture(workspace);
    expect(await runCli(['score', runDirectory, 'empty'], empty.io)).toBe(2);
    expect(empty.err.join('')).toMatch(/holds no image files/);
    const bad = capture(workspace);
    expect(await runCli(['score', runDirectory, frames, '--threshold', 'high'], bad.io)).toBe(2);
    const undecided = capture(workspace);
    expect(await runCli(['score', runDirectory, frames, '--draw'], undecided.io)).toBe(2);
    expect(undecided.err.join('')).toMatch(/needs a threshold: run vadc calibrate/);
    expect(existsSync(join(workspace, 'runs', 'scored', 'latest'))).toBe(true);
  });

  it('takes the nearest-rank percentile', () => {
    const values = Float32Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile(new Float32Array(0), 0.99)).toBe(0);
  });
});
