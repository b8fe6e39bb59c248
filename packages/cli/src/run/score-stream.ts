// `vadc score <run-or-package> <stream>`: live scoring. Frames arrive through ffmpeg (any URL it reads) or as raw
// RGB24 on stdin; batches are built as soon as their frames are in (runtime liveTestBatches), scored, smoothed one
// frame at a time exactly as `eval` smooths (StreamingSmoother), decided against the threshold, and each event is
// printed as a JSON line when it starts and when it ends. Memory is bounded by the frame queue's capacity and the
// frames a sample can reach; latency by the context / motion lookahead, the smoothing lag and one batch.
import { basename, extname } from 'node:path';
import { EventTracker, StreamingSmoother } from '@vadc/metrics';
import {
  ffmpegFrameStream, frameScores, inferWithTestMasks, liveTestBatches, rawFrameStream, scoreOutputs, type FrameStream,
} from '@vadc/runtime';
import { UsageError } from '../command.ts';
import type { Detector } from './detector.ts';
import { planSmoothing } from './evaluate.ts';
import { eventRecord } from './events-output.ts';

/** Whether a `vadc score` input is a stream: a URL (scheme://...) or - (raw frames on stdin). */
export function isStreamInput(input: string): boolean {
  return input === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/** `--frame-size WIDTHxHEIGHT` as [height, width]. */
export function parseFrameSize(text: string): [number, number] {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1) throw new UsageError(`--frame-size must be WIDTHxHEIGHT, e.g. 360x240, not "${text}"`);
  return [Number(match[2]), Number(match[1])];
}

/** The name a stream's frames are scored under (it seeds the test-time masks, as a file's name does). */
export function streamName(input: string): string {
  if (input === '-') return 'stdin';
  try {
    const path = new URL(input).pathname;
    return basename(path, extname(path)) || 'stream';
  } catch {
    return 'stream';
  }
}

/** Options of scoreStream. */
export interface StreamOptions {
  threshold: number;
  fps: number;
  /** [height, width] of raw frames on stdin (input -). */
  frameSize: [number, number] | null;
  maxFrames: number | null;
  /** Largest batch (default the recipe's scoring.batch). */
  maxBatch?: number;
  /** JSON lines go here (stdout). */
  write: (text: string) => void;
  /** Progress and logs (stderr). */
  log: (text: string) => void;
}

/** What a stream's scoring measured. */
export interface StreamSummary {
  type: 'summary';
  video: string;
  frames: number;
  events: number;
  /** Frames over the time from the first frame's arrival to the last decision. */
  frames_per_second: number;
  /** From a frame's arrival to its decision (includes the lookahead and smoothing lag), milliseconds. */
  latency_ms: { min: number; median: number; max: number };
  /** From the arrival of the last frame a decision waited for to the decision: the computing part of the latency. */
  processing_ms: { min: number; median: number; max: number };
  /** Peak resident memory of the process, MiB. */
  peak_rss_mib: number;
  /** Frames a decision waits for after its own: context / motion lookahead plus the smoothing lag. */
  lag_frames: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (value: number) => Number(value.toFixed(1));

/** Scores a live stream until it ends (or maxFrames); prints events and a summary as JSON lines. */
export async function scoreStream(detector: Detector, input: string, options: StreamOptions): Promise<StreamSummary> {
  const { plan } = detector;
  const video = streamName(input);
  const limits = { maxFrames: options.maxFrames ?? undefined };
  const stream: FrameStream = input === '-' ? rawFrameStream(process.stdin, options.frameSize!, limits) : ffmpegFrameStream(input, limits);
  const smoother = new StreamingSmoother(planSmoothing(plan));
  const tracker = new EventTracker(options.threshold);
  const lookahead = Math.max(0, plan.data.motion.step, ...plan.data.context);
  const arrivals: number[] = [];
  const latencies: number[] = [];
  const processing: number[] = [];
  let lag = lookahead;
  let latest = 0;
  let decided = 0;
  let events = 0;
  const line = (value: object) => options.write(`${JSON.stringify(value)}\n`);
  const decide = (smoothed: number[]) => {
    const now = performance.now();
    for (const score of smoothed) {
      const frame = decided++;
      latencies.push(now - arrivals[frame]!);
      processing.push(now - latest);
      const closed = tracker.push(frame, score);
      if (closed !== null) {
        events++;
        line({ type: 'event', ...eventRecord(video, closed, options.fps) });
      }
      const open = tracker.current;
      if (open !== null && open.start === frame) line({ type: 'event_start', video, frame, seconds: Number((frame / options.fps).toFixed(3)), score });
    }
  };
  try {
    lag = lookahead + smoother.lag;
    const [height, width] = await stream.resolution();
    options.log(`stream ${input}: ${width}x${height}, scored as "${video}"; a decision waits ${lookahead} + ${smoother.lag} frames (lookahead + smoothing)`);
    for await (const { batch, arrivals: times, latestArrival } of liveTestBatches(stream, plan, options.maxBatch ?? plan.scoring.batch)) {
      arrivals.push(...times);
      latest = latestArrival;
      const outputs = await inferWithTestMasks(detector.infer, batch, plan.scoring);
      const scores = frameScores(scoreOutputs(outputs, plan.scoring));
      for (const score of scores) decide(smoother.push(score));
      if (Math.floor(arrivals.length / 100) > Math.floor((arrivals.length - batch.size) / 100)) options.log(`stream: ${arrivals.length} frames scored`);
    }
    decide(smoother.end());
    const last = tracker.end();
    if (last !== null) {
      events++;
      line({ type: 'event', ...eventRecord(video, last, options.fps) });
    }
  } finally {
    stream.close();
  }
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: round(sorted[0] ?? 0), median: round(quantile(sorted, 0.5)), max: round(sorted.at(-1) ?? 0) };
  };
  const seconds = arrivals.length > 0 ? (performance.now() - arrivals[0]!) / 1000 : 0;
  const summary: StreamSummary = {
    type: 'summary', video, frames: decided, events, frames_per_second: round(seconds > 0 ? decided / seconds : 0),
    latency_ms: spread(latencies), processing_ms: spread(processing), peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    lag_frames: lag,
  };
  line(summary);
  return summary;
}
