import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoToFile, encodeVideo, probeVideo } from './video.ts';

// 7 frames of 16x8; frame t is a flat grey level 30 * t (flat images survive lossy codecs almost exactly).
const [height, width, count] = [8, 16, 7];
const frames = new Uint8Array(count * height * width * 3);
for (let t = 0; t < count; t++) frames.fill(30 * t, t * height * width * 3, (t + 1) * height * width * 3);

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vadc-video-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('video through the bundled ffmpeg', () => {
  it.each([['clip.avi', 'mjpeg'], ['clip.mp4', 'libx264']])('probes and decodes %s (%s)', async (name, codec) => {
    const path = join(folder, name);
    await encodeVideo(path, frames, count, [height, width], codec);
    const probe = await probeVideo(path);
    expect(probe).toEqual({ frameCount: count, resolution: [height, width], frameRate: 25 }); // encodeVideo writes 25 fps
    await decodeVideoToFile(path, probe, join(folder, `${name}.rgb`));
    const decoded = await readFile(join(folder, `${name}.rgb`));
    expect(decoded.length).toBe(frames.length);
    for (let t = 0; t < count; t++) expect(Math.abs(decoded[t * height * width * 3 + 5]! - 30 * t)).toBeLessThanOrEqual(3);
  });

  it('names the file that is not a video', async () => {
    const path = join(folder, 'broken.avi');
    await writeFile(path, 'not a video at all');
    await expect(probeVideo(path)).rejects.toMatchObject({ code: 'VIDEO_PROBE', path });
  });

  it('refuses a decode whose frame count differs from the probe', async () => {
    const path = join(folder, 'clip.avi');
    await expect(decodeVideoToFile(path, { frameCount: count + 1, resolution: [height, width], frameRate: 25 }, join(folder, 'x.rgb'))).rejects.toMatchObject({ code: 'VIDEO_DECODE', path });
  });
});
