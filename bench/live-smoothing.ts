// Choosing the look-ahead of live decisions (issue 27, point 3) on a run's held-out validation split, never on test
// labels: for each look-ahead of the live smoothing (and the official zero-padded filter, for reference), false-alarm
// events on the split's normal frames against the detection delay of its pasted anomalies, over every threshold.
// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/live-smoothing.ts runs/quickstart/latest [fps]
import { DataPipeline, openDataset, scoreVideo } from '../packages/runtime/src/index.ts';
import { frameScores } from '../packages/runtime/src/score/components.ts';
import { liveSmoothing, smoothLive, smoothScores } from '../packages/metrics/src/index.ts';
import { openDetector } from '../packages/runtime/src/detect/detector.ts';
import { planSmoothing } from '../packages/runtime/src/score/evaluate.ts';

const [runFolder = 'runs/quickstart/latest', fpsText = '25'] = process.argv.slice(2);
const fps = Number(fpsText);
const detector = await openDetector(runFolder, process.cwd(), { engine: 'onnx' });
const { plan } = detector;
const official = planSmoothing(plan);
if (official === null) throw new Error('the recipe has no smoothing to make live');
const pipeline = new DataPipeline(await openDataset(plan), plan, { defaultCacheDir: detector.cacheDir });
const videos: Array<{ name: string; raw: Float32Array; labels: number[] }> = [];
for (const video of await pipeline.heldOutVideos()) {
  const scores = await scoreVideo(video, plan, detector.infer);
  videos.push({ name: video.name, raw: frameScores(scores), labels: video.truth!.labels });
}
await pipeline.close();
await detector.release();

// Anomalies: runs of labelled frames. Delay: frames from an anomaly's first frame to the first abnormal decision
// inside it, plus the frames the decision waited for (the look-ahead); a miss when none of its frames is abnormal.
const runsOf = (labels: number[]) => {
  const runs: Array<[number, number]> = [];
  labels.forEach((label, frame) => {
    if (label !== 1) return;
    if (runs.length > 0 && runs.at(-1)![1] === frame - 1) runs.at(-1)![1] = frame;
    else runs.push([frame, frame]);
  });
  return runs;
};
const normalFrames = videos.reduce((sum, video) => sum + video.labels.filter((label) => label === 0).length, 0);
const anomalies = videos.reduce((sum, video) => sum + runsOf(video.labels).length, 0);
console.log(`held-out: ${videos.map((video) => `${video.name} (${video.labels.length} frames, ${runsOf(video.labels).length} anomalies)`).join(', ')}; ` +
  `${normalFrames} normal frames = ${(normalFrames / fps).toFixed(1)} s at ${fps} fps`);

interface Point { threshold: number; falseAlarms: number; missed: number; delay: number }
function curve(smoothed: Float64Array[], latency: number): Point[] {
  const thresholds = [...new Set(smoothed.flatMap((values) => [...values]))].sort((a, b) => b - a);
  return thresholds.map((threshold) => {
    let falseAlarms = 0;
    let missed = 0;
    let delaySum = 0;
    let detected = 0;
    smoothed.forEach((values, index) => {
      const { labels } = videos[index]!;
      // A false alarm: a run of abnormal decisions without a labelled frame in it.
      let start = -1;
      for (let frame = 0; frame <= values.length; frame++) {
        const abnormal = frame < values.length && values[frame]! > threshold;
        if (abnormal && start < 0) start = frame;
        if (!abnormal && start >= 0) {
          if (!labels.slice(start, frame).includes(1)) falseAlarms++;
          start = -1;
        }
      }
      for (const [first, last] of runsOf(labels)) {
        const hit = values.slice(first, last + 1).findIndex((value) => value > threshold);
        if (hit < 0) missed++;
        else {
          detected++;
          delaySum += hit + latency;
        }
      }
    });
    return { threshold, falseAlarms, missed, delay: detected > 0 ? delaySum / detected : NaN };
  });
}

const rows: string[] = ['| smoothing | latency (frames) | delay at 0 false alarms (frames) | missed | delay at <= 1 false alarm |', '| --- | --- | --- | --- | --- |'];
const candidates: Array<{ label: string; latency: number; smooth: (raw: Float32Array) => Float64Array }> = [
  { label: `official (range ${official.range}, sigma ${official.sigma}, zero-padded)`, latency: official.range / 2 - 1, smooth: (raw) => smoothScores(raw, official) },
  { label: 'none (raw frame scores)', latency: 0, smooth: (raw) => Float64Array.from(raw) },
];
for (let ahead = 0; ahead <= official.range / 2; ahead++) {
  const live = liveSmoothing(official, ahead)!;
  candidates.push({ label: `live, ${ahead} ahead`, latency: ahead, smooth: (raw) => smoothLive(raw, live) });
}
for (const candidate of candidates) {
  const points = curve(videos.map((video) => candidate.smooth(video.raw)), candidate.latency);
  // The lowest threshold with no false alarm (thresholds fall along the curve), and with at most one.
  const zero = points.filter((point) => point.falseAlarms === 0).at(-1)!;
  const one = points.filter((point) => point.falseAlarms <= 1).at(-1)!;
  rows.push(`| ${candidate.label} | ${candidate.latency} | ${zero.delay.toFixed(2)} | ${zero.missed} of ${anomalies} | ${one.delay.toFixed(2)} (${one.missed} missed) |`);
}
console.log(rows.join('\n'));
