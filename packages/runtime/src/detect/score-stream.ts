// `vadc score <run-or-package> <stream>`: live scoring. Frames arrive through ffmpeg (any URL it reads) or as raw
// RGB24 on stdin; batches are built as soon as their frames are in (runtime liveTestBatches), scored, smoothed one
// frame at a time with the live smoothing (LiveSmoother: causal, so the first frames can alarm, and a decision
// waits `ahead` frames), decided against the threshold, and each event is printed as a JSON line when it starts and
// when it ends. A live source that drops is reconnected (reconnectingFrameStream); the frames lost are a `gap` line,
// and a source that stays gone ends the command with an input error after the summary. Times are the input's:
// frame / its declared frame rate (--fps overrides) within a connection, plus the gaps' length between connections;
// each decision also carries the wall-clock time it was made. With --out, every decision is appended to
// decisions.csv and every event line to events.jsonl as it happens (written through at once, so a crash loses
// nothing decided). Memory is bounded by the frame queue's capacity and the frames a sample can reach.
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { EventTracker, LiveSmoother, type AnomalyEvent } from '@vadc/metrics';
import { ffmpegFrameStream, lostFrames, rawFrameStream, reconnectingFrameStream, type FrameStream, type ReceivedFrame, type StreamGap } from '../data/formats/frame-stream.ts';
import { frameScores, scoreOutputs } from '../score/components.ts';
import { inferWithTestMasks } from '../score/test-mask-passes.ts';
import { liveTestBatches } from '../data/pipeline/live-batches.ts';
import { UsageError } from '../run-io.ts';
import type { Detector } from './detector.ts';
import { eventRecord, roundSeconds } from './events-output.ts';
import { decisionSmoothing, describeDecisionSmoothing } from './score-input.ts';

/** Whether a `vadc score` input is a stream: a URL (scheme://...) or - (raw frames on stdin). */
export function isStreamInput(input: string): boolean {
  return input === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/** Whether a stream input is live (a camera: it may drop and come back), not a file or stdin. */
export function isLiveInput(input: string): boolean {
  return input !== '-' && !/^file:/i.test(input);
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

/** Default reconnection of live inputs: 5 attempts, after 1, 2, 4, 8 and 16 s (31 s in all). */
export const DEFAULT_RECONNECT = { attempts: 5, delaySeconds: 1 };

/** Options of scoreStream. */
export interface StreamOptions {
  threshold: number;
  /** --fps: overrides the input's frame rate (null: the input's own; an input without one is then an error). */
  fps: number | null;
  /** [height, width] of raw frames on stdin (input -). */
  frameSize: [number, number] | null;
  maxFrames: number | null;
  /** Reconnection of live inputs after a drop. */
  reconnect: { attempts: number; delaySeconds: number };
  /** Folder that gets decisions.csv and events.jsonl as decisions are made (null: none). */
  out: string | null;
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
  /** Drops the stream came back from. */
  gaps: number;
  /** How the stream ended: the input's end, --max-frames, or lost (reconnecting gave up; the command then fails). */
  ended: 'end' | 'max-frames' | 'lost';
  /** Frame rate of event times, and where it came from. */
  fps: number;
  fps_source: 'input' | '--fps';
  /** The live smoothing decisions use. */
  smoothing: string;
  /** Frames over the time from the first frame's arrival to the last decision. */
  frames_per_second: number;
  /** From a frame's arrival to its decision (includes the lookahead and smoothing lag), milliseconds. */
  latency_ms: { min: number; median: number; max: number };
  /** From the arrival of the last frame a decision waited for to the decision: the computing part of the latency. */
  processing_ms: { min: number; median: number; max: number };
  /** Peak resident memory of the process, MiB. */
  peak_rss_mib: number;
  /** Frames a decision waits for after its own: context / motion lookahead plus the smoothing's look-ahead. */
  lag_frames: number;
  /** lag_frames at the stream's frame rate, seconds: the latency the method adds before computing. */
  lag_seconds: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (value: number) => Number(value.toFixed(1));

// A file under --out written through as lines come (appended, the header only into a new file; each line is its own
// write, so it is in the file at once).
function appendedFile(path: string, header: string | null): { write: (line: string) => void; close: () => void } {
  const fd = openSync(path, 'a');
  if (header !== null && fstatSync(fd).size === 0) writeSync(fd, `${header}\n`);
  return { write: (line) => void writeSync(fd, `${line}\n`), close: () => closeSync(fd) };
}

/** Scores a live stream until it ends (or maxFrames); prints events, gaps and a summary as JSON lines. */
export async function scoreStream(detector: Detector, input: string, options: StreamOptions): Promise<StreamSummary> {
  const { plan } = detector;
  const video = streamName(input);
  const limits = { maxFrames: options.maxFrames ?? undefined };
  const live = isLiveInput(input);
  const reconnecting = live ? reconnectingFrameStream(input, { ...options.reconnect, log: options.log }, limits) : null;
  const source: FrameStream = reconnecting ?? (input === '-' ? rawFrameStream(process.stdin, options.frameSize!, { ...limits, name: 'stdin' }) : ffmpegFrameStream(input, limits));
  const smoother = new LiveSmoother(decisionSmoothing(plan));
  const tracker = new EventTracker(options.threshold);
  const lookahead = Math.max(0, plan.data.motion.step, ...plan.data.context);
  const lag = lookahead + smoother.lag;
  let fps = 0;
  // Per received frame: when it arrived, when it starts in the input's time, and the gap before it (pruned as decided).
  const arrivals = new Map<number, number>();
  const starts = new Map<number, number>();
  const gapsBefore = new Map<number, StreamGap>();
  const latencies: number[] = [];
  const processing: number[] = [];
  let firstArrival: number | null = null;
  let received = 0;
  let connectionStart = 0; // seconds of the current connection's first frame
  let connectionFrames = 0;
  let latest = 0;
  let decided = 0;
  let events = 0;
  let gaps = 0;
  let ended: StreamSummary['ended'] = 'end';
  const pending: number[] = []; // raw scores of the frames decided next, for decisions.csv
  let decisionsFile: ReturnType<typeof appendedFile> | null = null;
  let eventsFile: ReturnType<typeof appendedFile> | null = null;
  const line = (value: object) => {
    const text = JSON.stringify(value);
    options.write(`${text}\n`);
    eventsFile?.write(text);
  };
  const startOf = (frame: number) => starts.get(frame) ?? frame / fps;
  const closeEvent = (event: AnomalyEvent, wall: string) => {
    events++;
    line({ type: 'event', ...eventRecord(video, event, fps, startOf), wall_time: wall });
  };

  // Reads the source for liveTestBatches, noting each frame's time and the gaps.
  const timed: FrameStream = {
    resolution: () => source.resolution(),
    frameRate: () => source.frameRate(),
    close: () => source.close(),
    take: async () => {
      const frames: ReceivedFrame[] | null = await source.take();
      for (const frame of frames ?? []) {
        firstArrival ??= frame.arrived;
        if (frame.gap !== undefined) {
          // The new connection starts after the last frame, as late as the wall clock says it came back.
          const previous = connectionStart + (connectionFrames - 1) / fps;
          connectionStart = previous + Math.max(1 / fps, frame.gap.seconds);
          connectionFrames = 0;
          gapsBefore.set(received, frame.gap);
        }
        arrivals.set(received, frame.arrived);
        starts.set(received, connectionStart + connectionFrames / fps);
        connectionFrames++;
        received++;
      }
      return frames;
    },
  };

  const decide = (smoothed: number[]) => {
    const now = performance.now();
    const wall = new Date().toISOString();
    for (const score of smoothed) {
      const frame = decided++;
      const gap = gapsBefore.get(frame);
      if (gap !== undefined) {
        gaps++;
        const resumed = startOf(frame);
        const from = startOf(frame - 1) + 1 / fps;
        line({
          type: 'gap', video, after_frame: frame - 1, from_seconds: roundSeconds(from), to_seconds: roundSeconds(resumed),
          lost_frames: lostFrames(gap, fps), attempts: gap.attempts, reason: gap.reason, wall_time: wall,
        });
        gapsBefore.delete(frame);
      }
      latencies.push(now - arrivals.get(frame)!);
      processing.push(now - latest);
      const raw = pending.shift();
      decisionsFile?.write(`${frame},${roundSeconds(startOf(frame))},${wall},${raw === undefined ? '' : Math.fround(raw)},${score},${score > options.threshold ? 1 : 0}`);
      const closed = tracker.push(frame, score);
      if (closed !== null) closeEvent(closed, wall);
      const open = tracker.current;
      if (open !== null && open.start === frame) line({ type: 'event_start', video, frame, seconds: roundSeconds(startOf(frame)), score, wall_time: wall });
      // What later lines can still need: the open event's start, and the frames not decided yet.
      const keepFrom = Math.min(open?.start ?? frame, frame);
      for (const old of [...starts.keys()]) if (old < keepFrom) starts.delete(old);
      arrivals.delete(frame);
    }
  };
  const finish = () => {
    decide(smoother.end());
    const last = tracker.end();
    if (last !== null) closeEvent(last, new Date().toISOString());
  };

  let lost: unknown = null;
  try {
    const [height, width] = await source.resolution();
    const declared = await source.frameRate();
    if (options.fps === null && declared === null) {
      throw new UsageError(`${input === '-' ? 'raw frames on stdin carry' : `${input} declares`} no frame rate: give --fps (frames per second of the input)`);
    }
    fps = options.fps ?? declared!;
    if (options.out !== null) {
      mkdirSync(options.out, { recursive: true });
      decisionsFile = appendedFile(join(options.out, 'decisions.csv'), 'frame,seconds,wall_time,score,smoothed,abnormal');
      eventsFile = appendedFile(join(options.out, 'events.jsonl'), null);
    }
    options.log(`stream ${input}: ${width}x${height} at ${fps} fps (${options.fps === null ? 'the input\'s' : '--fps'}), scored as "${video}"; ` +
      `a decision waits ${lookahead} + ${smoother.lag} frames (lookahead + smoothing: ${(lag / fps).toFixed(2)} s); smoothing ${describeDecisionSmoothing(plan)}` +
      (live ? `; reconnects ${options.reconnect.attempts} times after a drop` : ''));
    for await (const { batch, latestArrival } of liveTestBatches(timed, plan, options.maxBatch ?? plan.scoring.batch)) {
      latest = latestArrival;
      const outputs = await inferWithTestMasks(detector.infer, batch, plan.scoring);
      const scores = frameScores(scoreOutputs(outputs, plan.scoring));
      for (const score of scores) {
        pending.push(score);
        decide(smoother.push(score));
      }
      if (Math.floor(decided / 100) > Math.floor((decided - batch.size) / 100)) options.log(`stream: ${decided} frames scored`);
    }
    // A source gone for good still ends like a stream's end (every frame received is decided), then fails.
    lost = reconnecting?.lost() ?? null;
    if (lost !== null) ended = 'lost';
    else if (options.maxFrames !== null && received >= options.maxFrames) ended = 'max-frames';
    finish();
  } finally {
    source.close();
    decisionsFile?.close();
  }
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: round(sorted[0] ?? 0), median: round(quantile(sorted, 0.5)), max: round(sorted.at(-1) ?? 0) };
  };
  const seconds = firstArrival !== null ? (performance.now() - firstArrival) / 1000 : 0;
  const summary: StreamSummary = {
    type: 'summary', video, frames: decided, events, gaps, ended, fps, fps_source: options.fps === null ? 'input' : '--fps',
    smoothing: describeDecisionSmoothing(plan), frames_per_second: round(seconds > 0 ? decided / seconds : 0),
    latency_ms: spread(latencies), processing_ms: spread(processing), peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    lag_frames: lag, lag_seconds: roundSeconds(lag / fps),
  };
  line(summary);
  eventsFile?.close();
  if (lost !== null) throw lost;
  return summary;
}
