// RBDC/TBDC from anomaly maps at full-benchmark size: 2,000 frames of 240x360 float32 maps, 100 thresholds
// (issue 3 budget: under 30 s on the 2-core development machine). Also times pixel AUC and tracks from masks on the
// same data. Maps: smooth background noise (8x8 blocks) + fine noise + Gaussian blobs on GT tracks and false blobs.
// Run: node --conditions=source --import ./bench/register-ts.mjs bench/metrics-localization.ts [frames] [HxW] [thresholds]
import { mapBasedDetection, pixelAuc, tracksFromMasks, type AnomalyMapVideo, type GroundTruthRegion } from '../packages/metrics/src/index.ts';

const frames = Number(process.argv[2] ?? 2000);
const [height, width] = (process.argv[3] ?? '240x360').split('x').map(Number) as [number, number];
const thresholds = Number(process.argv[4] ?? 100);
const videoCount = 10;
const pixels = height * width;

/** Wall seconds and CPU seconds (user + system) of a step: on a shared machine CPU time is the steadier number. */
function timed<T>(step: () => T): { value: T; wall: number; cpu: number } {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const value = step();
  const cpu = process.cpuUsage(cpuStart);
  return { value, wall: +((performance.now() - wallStart) / 1000).toFixed(2), cpu: +((cpu.user + cpu.system) / 1e6).toFixed(2) };
}

let state = 12345;
const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);

function addBlob(map: Float32Array, offset: number, cx: number, cy: number, radius: number, peak: number, mask?: Uint8Array): void {
  for (let y = Math.max(0, Math.floor(cy - 2 * radius)); y <= Math.min(height - 1, cy + 2 * radius); y++) {
    for (let x = Math.max(0, Math.floor(cx - 2 * radius)); x <= Math.min(width - 1, cx + 2 * radius); x++) {
      const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / radius ** 2;
      map[offset + y * width + x]! += peak * Math.exp(-d2);
      if (mask && d2 <= 1) mask[offset + y * width + x] = 1;
    }
  }
}

const generationStart = performance.now();
const videos: (AnomalyMapVideo & { masks: Uint8Array })[] = [];
for (let v = 0; v < videoCount; v++) {
  const frameCount = Math.floor(frames / videoCount);
  const maps = new Float32Array(frameCount * pixels);
  const masks = new Uint8Array(frameCount * pixels);
  // one anomalous event (a moving object) in the middle 40% of each video
  const [start, end] = [Math.floor(frameCount * 0.3), Math.floor(frameCount * 0.7)];
  let [ox, oy] = [40 + next() * 100, 60 + next() * 100];
  for (let t = 0; t < frameCount; t++) {
    const offset = t * pixels;
    const blocks = Array.from({ length: Math.ceil(height / 8) * Math.ceil(width / 8) }, () => next() * 0.3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) map(offset + y * width + x, blocks[(y >> 3) * Math.ceil(width / 8) + (x >> 3)]! + next() * 0.05);
    }
    if (t >= start && t < end) {
      ox += 1.5;
      addBlob(maps, offset, ox, oy, 14, 0.5 + next() * 0.4, masks);
    }
    if (next() < 0.2) addBlob(maps, offset, next() * width, next() * height, 8, 0.3 + next() * 0.4);
  }
  videos.push({ name: String(v).padStart(2, '0'), frameCount, height, width, maps, masks, groundTruth: [] });
  function map(index: number, value: number): void {
    maps[index] = value;
  }
}
const generationSeconds = (performance.now() - generationStart) / 1000;

const tracksStart = performance.now();
for (const video of videos) {
  const perFrame = Array.from({ length: video.frameCount }, (_, t) => video.masks.subarray(t * pixels, (t + 1) * pixels));
  const tracks = tracksFromMasks(perFrame, height, width);
  const regions: GroundTruthRegion[] = [];
  tracks.frames.forEach((list, frame) => list.forEach((region) => regions.push({ frame, trackId: region.trackId, box: region.box })));
  video.groundTruth = regions;
}
const tracksSeconds = (performance.now() - tracksStart) / 1000;

const localization = timed(() => mapBasedDetection(videos, { thresholds }));
const result = localization.value;
const pixelTiming = timed(() => pixelAuc(videos.map((video) => ({ scores: video.maps, mask: video.masks, video: video.name }))));
const pixel = pixelTiming.value;

console.log(
  JSON.stringify({
    frames: videos.reduce((sum, video) => sum + video.frameCount, 0),
    resolution: [height, width],
    thresholds,
    regions: result.regionCount,
    tracks: result.trackCount,
    rbdc: +result.rbdc!.toFixed(4),
    tbdc: +result.tbdc!.toFixed(4),
    pixelAuc: pixel === null ? null : +pixel.toFixed(4),
    seconds: {
      generation: +generationSeconds.toFixed(1),
      tracksFromMasks: +tracksSeconds.toFixed(1),
      rbdcTbdcFromMaps: { wall: localization.wall, cpu: localization.cpu },
      pixelAuc: { wall: pixelTiming.wall, cpu: pixelTiming.cpu },
    },
  }),
);
