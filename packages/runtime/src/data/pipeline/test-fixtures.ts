// Test helpers: small in-memory videos whose reads are counted. Excluded from the build (test-*.ts).
import type { DatasetSource, VideoSource } from '../types.ts';

/** A video made of the given RGB frames (height x width x 3 each); `reads` counts readFrame calls. */
export function memoryVideo(name: string, frames: Uint8Array[], height: number, width: number): VideoSource & { reads: number } {
  const video = {
    name,
    frameCount: frames.length,
    resolution: [height, width] as [number, number],
    truth: null,
    reads: 0,
    async readFrame(index: number): Promise<Uint8Array> {
      video.reads++;
      const frame = frames[index];
      if (frame === undefined) throw new RangeError(`no frame ${index}`);
      return frame.slice();
    },
  };
  return video;
}

/** A grey frame whose pixel (y, x) is `value(y, x)` in all three channels. */
export function greyFrame(height: number, width: number, value: (y: number, x: number) => number): Uint8Array {
  const frame = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) frame.fill(value(y, x), (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return frame;
}

/** A dataset of memory videos whose frame i of video v has every pixel equal to `10 * v + i` (plus a gradient). */
export function rampDataset(videos: number, frames: number, height: number, width: number): DatasetSource {
  const train = Array.from({ length: videos }, (_, video) =>
    memoryVideo(`v${video}`, Array.from({ length: frames }, (_, index) => greyFrame(height, width, (y, x) => (10 * video + index + y + x) % 256)), height, width),
  );
  return { train, validation: [], test: train };
}
