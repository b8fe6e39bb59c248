// Test helper: a tiny dataset in the generic frames layout (train/<video>/<n>.png, test/<video>/<n>.png,
// labels/<video>.txt), written with a fixed seed so two calls write identical files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoSource } from '@vadc/runtime';
import { encodePng } from '../../runtime/src/report/png.ts';

/** A frames-layout dataset: 2 training and 1 test video of 8 noisy 32x48 PNG frames, the test video half abnormal. */
export function writeFramesDataset(root: string): void {
  let state = 7;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % 256;
  };
  for (const [split, video] of [['train', 'a'], ['train', 'b'], ['test', 'c']] as const) {
    mkdirSync(join(root, split, video), { recursive: true });
    for (let frame = 0; frame < 8; frame += 1) {
      const rgb = Uint8Array.from({ length: 32 * 48 * 3 }, noise);
      writeFileSync(join(root, split, video, `${frame}.png`), encodePng({ width: 48, height: 32, rgb }));
    }
  }
  mkdirSync(join(root, 'labels'));
  writeFileSync(join(root, 'labels', 'c.txt'), '0\n0\n0\n0\n1\n1\n1\n1\n');
}

/** Writes a video's frames as lossless PNGs f0.png, f1.png, ... into `folder` (an input `vadc score` reads). */
export async function writeVideoPngs(video: VideoSource, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let frame = 0; frame < video.frameCount; frame++) {
    await writeFile(join(folder, `f${frame}.png`), encodePng({ width: video.resolution[1], height: video.resolution[0], rgb: await video.readFrame(frame) }));
  }
}
