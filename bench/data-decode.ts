// Decode throughput of the dataset readers on the UCSD Ped2 development split (360x240 JPEG frames): time to open
// the dataset (probe every frame header), to load the test GT (masks + regions), and frames/s of readFrame over
// every frame, sequentially (with CPU ms per frame) and with 4 reads in flight.
// Run: node --conditions=source --import ./bench/register-ts.mjs bench/data-decode.ts [ped2-root]
import { openDataset } from '../packages/runtime/src/index.ts';
import type { Plan } from '../packages/dsl/src/index.ts';
import { tinyPlan } from '../packages/runtime/src/test-plan.ts';

const root = process.argv[2] ?? '/work/shared/datasets/ucsd-ped2-dev/UCSDped2';
const plan: Plan = tinyPlan({ data: { dataset: 'ucsd-ped2', root } });
const seconds = (start: number) => (performance.now() - start) / 1000;

let start = performance.now();
const source = await openDataset(plan);
const openSeconds = seconds(start);
const videos = [...source.train, ...source.test];
const frames = videos.reduce((sum, video) => sum + video.frameCount, 0);

start = performance.now();
let regions = 0;
for (const video of source.test) for (const list of video.truth?.regions?.values() ?? []) regions += list.length;
const truthSeconds = seconds(start);

start = performance.now();
const cpuStart = process.cpuUsage();
for (const video of videos) for (let t = 0; t < video.frameCount; t++) await video.readFrame(t);
const sequential = frames / seconds(start);
const cpu = process.cpuUsage(cpuStart);
// CPU time (all threads) per frame is the steadier number on a shared machine.
const cpuMsPerFrame = (cpu.user + cpu.system) / 1000 / frames;

start = performance.now();
const jobs = videos.flatMap((video) => Array.from({ length: video.frameCount }, (_, t) => () => video.readFrame(t)));
let next = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
  while (next < jobs.length) await jobs[next++]!();
}));
const parallel = frames / seconds(start);

console.log(JSON.stringify({
  videos: { train: source.train.length, test: source.test.length },
  frames,
  open_seconds: +openSeconds.toFixed(2),
  test_truth_seconds: +truthSeconds.toFixed(2),
  gt_regions: regions,
  decode_fps_sequential: Math.round(sequential),
  decode_cpu_ms_per_frame: +cpuMsPerFrame.toFixed(2),
  decode_fps_4_in_flight: Math.round(parallel),
}, null, 2));
