// Throughput of the input pipeline (decode / generate, resize, motion gradients, stacking, synthetic anomalies),
// frames per second, on generated data and on the Ped2 development split.
// Run: node --conditions=source --import ./bench/register-ts.mjs bench/data-throughput.ts [ped2-root]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type Sharp from '../packages/runtime/node_modules/sharp/lib/index.js';
import { DataPipeline, openDataset } from '../packages/runtime/src/index.ts';
import { createResizer } from '../packages/runtime/src/data/pipeline/resize.ts';
import { syntheticDataset } from '../packages/runtime/src/data/synthetic/synthetic-dataset.ts';
import { type DatasetSource } from '../packages/runtime/src/data/types.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';

// sharp is a dependency of the runtime package, not of the workspace root: resolve it from there.
const sharp = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('sharp') as typeof Sharp;
const ped2Root = process.argv[2] ?? '/work/shared/datasets/ucsd-ped2-dev';
const results: Array<Record<string, unknown>> = [];

function report(row: Record<string, unknown>): void {
  results.push(row);
  console.log(JSON.stringify(row));
}

async function time(run: () => Promise<number>): Promise<[number, number]> {
  const started = performance.now();
  const frames = await run();
  const seconds = (performance.now() - started) / 1000;
  return [frames, seconds];
}

/** Decode only: every frame of the first `videos` test videos. */
async function decodeRate(source: DatasetSource, limit: number): Promise<number> {
  const [frames, seconds] = await time(async () => {
    let count = 0;
    for (const video of source.test) for (let index = 0; index < video.frameCount && count < limit; index++, count++) await video.readFrame(index);
    return count;
  });
  return frames / seconds;
}

/** Test-style streaming (decode + resize + motion + stacking) over the test videos, batches of 8. */
async function testRate(source: DatasetSource, size: [number, number], limit: number, cacheDir: string | null): Promise<number> {
  const plan = tinyPlan({ data: { size, context: [-3, 0, 3], motion: { step: 1 } } });
  const pipeline = new DataPipeline(source, plan, { defaultCacheDir: cacheDir });
  const [frames, seconds] = await time(async () => {
    let count = 0;
    for (const video of pipeline.testVideos()) {
      for await (const batch of video.batches(8)) {
        count += batch.size;
        if (count >= limit) return count;
      }
    }
    return count;
  });
  await pipeline.close();
  return frames / seconds;
}

/** Training batches (shuffled, context + motion + procedural anomalies at p = 0.25), batch 8. */
async function trainRate(source: DatasetSource, size: [number, number], batches: number, cacheDir: string | null): Promise<number> {
  const plan = tinyPlan({ data: { size, context: [-3, 0, 3], motion: { step: 1 } }, synthetic_anomalies: { probability: 0.25, generator: 'procedural', options: { scale: [0.1, 0.3], speed: [1, 4], opacity: [0.8, 1] } } });
  const pipeline = new DataPipeline(source, plan, { defaultCacheDir: cacheDir });
  const [frames, seconds] = await time(async () => {
    let count = 0;
    for await (const batch of pipeline.trainingBatches({ epoch: 0, batchSize: 8, maxBatches: batches })) count += batch.size;
    return count;
  });
  await pipeline.close();
  return frames / seconds;
}

async function resizeComparison(height: number, width: number, size: [number, number]): Promise<void> {
  const frame = new Uint8Array(height * width * 3).map((_, index) => (index * 7) % 251);
  const resizer = createResizer([height, width], size, 3);
  const repeats = 30;
  let started = performance.now();
  for (let index = 0; index < repeats; index++) resizer.resize(frame);
  const js = (performance.now() - started) / repeats;
  started = performance.now();
  for (let index = 0; index < repeats; index++) {
    await sharp(frame, { raw: { width, height, channels: 3 } }).resize(size[1], size[0], { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  }
  const viaSharp = (performance.now() - started) / repeats;
  report({ what: 'resize one frame (ms)', from: `${height}x${width}`, to: size.join('x'), js: +js.toFixed(2), sharp: +viaSharp.toFixed(2) });
}

const sizes: Array<[number, number]> = [[160, 320], [320, 640]];
const synthetic = syntheticDataset({ seed: 7, train_videos: 4, test_videos: 2, frames: 120, resolution: [240, 360], walkers: [2, 5], anomalies: ['running', 'vehicle'] });
report({ what: 'generate synthetic frames', data: 'synthetic 240x360', framesPerSecond: +(await decodeRate(synthetic, 120)).toFixed(1) });
for (const size of sizes) await resizeComparison(240, 360, size);
for (const size of sizes) {
  report({ what: 'test stream, no disk cache', data: 'synthetic 240x360', size: size.join('x'), framesPerSecond: +(await testRate(synthetic, size, 120, null)).toFixed(1) });
  report({ what: 'train batches, no disk cache', data: 'synthetic 240x360', size: size.join('x'), framesPerSecond: +(await trainRate(synthetic, size, 10, null)).toFixed(1) });
  const cacheDir = mkdtempSync(join(tmpdir(), 'vadc-bench-cache-'));
  try {
    // The first epoch builds the cache of all 4 training videos (480 frames); the second reads it.
    report({ what: 'train batches, disk cache cold (builds motion + frames)', data: 'synthetic 240x360', size: size.join('x'), framesPerSecond: +(await trainRate(synthetic, size, 10, cacheDir)).toFixed(1) });
    report({ what: 'train batches, disk cache warm', data: 'synthetic 240x360', size: size.join('x'), framesPerSecond: +(await trainRate(synthetic, size, 10, cacheDir)).toFixed(1) });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

let ped2: DatasetSource | null = null;
try {
  ped2 = await openDataset(tinyPlan({ data: { dataset: 'ucsd-ped2', root: ped2Root } }));
} catch (error) {
  console.error('Ped2 not opened:', (error as Error).message);
}
if (ped2 !== null) {
  report({ what: 'decode jpg', data: 'ped2-dev 240x360', framesPerSecond: +(await decodeRate(ped2, 200)).toFixed(1) });
  for (const size of sizes) {
    report({ what: 'test stream, no disk cache', data: 'ped2-dev test', size: size.join('x'), framesPerSecond: +(await testRate(ped2, size, 200, null)).toFixed(1) });
    const cacheDir = mkdtempSync(join(tmpdir(), 'vadc-bench-cache-'));
    try {
      report({ what: 'test stream, disk cache cold (builds motion + frames)', data: 'ped2-dev test (510 frames)', size: size.join('x'), framesPerSecond: +(await testRate(ped2, size, 510, cacheDir)).toFixed(1) });
      report({ what: 'test stream, disk cache warm', data: 'ped2-dev test (510 frames)', size: size.join('x'), framesPerSecond: +(await testRate(ped2, size, 510, cacheDir)).toFixed(1) });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
    report({ what: 'train batches, no disk cache', data: 'ped2-dev train', size: size.join('x'), framesPerSecond: +(await trainRate(ped2, size, 10, null)).toFixed(1) });
  }
}
console.log(JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, results: results.length }));
