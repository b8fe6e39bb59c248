// Live video as raw RGB24 frames: from any input ffmpeg reads (rtsp://, http://, a file, ...) decoded by the
// bundled ffmpeg into a pipe, or from a byte stream of raw frames (stdin). Frames queue up as they arrive, each with
// its arrival time; when the consumer falls behind by `capacity` frames the source is paused (backpressure: ffmpeg
// then stops reading), so memory stays bounded whatever the stream's length. (No `-fflags nobuffer`: with it the
// bundled 2018 ffmpeg drops the frames it read while probing the stream.)
import { spawn, type ChildProcess } from 'node:child_process';
import { DatasetError } from '../readers/dataset-error.ts';
import { ffmpegPath } from './video.ts';

/** One received frame: RGB24 bytes at the stream's resolution, and when its last byte arrived (performance.now()). */
export interface ReceivedFrame {
  rgb: Uint8Array;
  arrived: number;
}

/** A live source of frames. */
export interface FrameStream {
  /** [height, width] (for ffmpeg inputs, known once ffmpeg has opened the stream). */
  resolution(): Promise<[number, number]>;
  /** Every frame received and not yet taken (waits for at least one), or null once the stream has ended. */
  take(): Promise<ReceivedFrame[] | null>;
  /** Stops reading (kills ffmpeg); take() then returns null. */
  close(): void;
}

/** Options of the frame streams. */
export interface FrameStreamOptions {
  /** Frames queued before the source is paused (default 64). */
  capacity?: number;
  /** Stop after this many frames. */
  maxFrames?: number;
}

interface Readable {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

// Cuts a byte stream into frames and queues them.
class FrameQueue {
  private frames: ReceivedFrame[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private count = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(private readonly source: Readable, private readonly frameBytes: number, private readonly capacity: number, private readonly maxFrames: number, private readonly onLimit: () => void) {
    source.on('data', (chunk) => this.add(chunk));
    source.on('end', () => this.finish(null));
    source.on('error', (error) => this.finish(error));
  }

  private add(chunk: Buffer): void {
    if (this.ended) return;
    this.partial.push(chunk);
    this.partialBytes += chunk.length;
    while (this.partialBytes >= this.frameBytes && this.count < this.maxFrames) {
      const joined = Buffer.concat(this.partial);
      this.frames.push({ rgb: new Uint8Array(joined.subarray(0, this.frameBytes)), arrived: performance.now() });
      this.count++;
      const rest = joined.subarray(this.frameBytes);
      this.partial = rest.length > 0 ? [rest] : [];
      this.partialBytes = rest.length;
    }
    if (this.count >= this.maxFrames) {
      this.finish(null);
      this.onLimit();
    } else if (this.frames.length >= this.capacity) this.source.pause();
    this.wake();
  }

  finish(error: Error | null): void {
    this.failure ??= error; // ffmpeg's exit status comes after the end of its output
    if (this.ended) return;
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  async take(): Promise<ReceivedFrame[] | null> {
    while (this.frames.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.waiter = resolve));
    if (this.frames.length === 0) {
      if (this.failure !== null) throw this.failure;
      return null;
    }
    const taken = this.frames;
    this.frames = [];
    this.source.resume();
    return taken;
  }
}

/** Raw RGB24 frames of [height, width] from a byte stream (e.g. process.stdin). */
export function rawFrameStream(source: Readable, resolution: [number, number], options: FrameStreamOptions = {}): FrameStream {
  const queue = new FrameQueue(source, resolution[0] * resolution[1] * 3, options.capacity ?? 64, options.maxFrames ?? Infinity, () => source.pause());
  return { resolution: async () => resolution, take: () => queue.take(), close: () => queue.finish(null) };
}

/**
 * Frames of any input ffmpeg reads (`url`), decoded as they arrive. Rejects (resolution / take) with DatasetError
 * VIDEO_DECODE naming the input, with ffmpeg's last message, when ffmpeg cannot open or decode it.
 */
export function ffmpegFrameStream(url: string, options: FrameStreamOptions = {}): FrameStream {
  const args = ['-hide_banner', '-nostdin', ...(url.startsWith('rtsp://') ? ['-rtsp_transport', 'tcp'] : []), '-i', url,
    '-map', '0:v:0', '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child: ChildProcess = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let queue: FrameQueue | null = null;
  let settle: { resolve: (size: [number, number]) => void; reject: (error: Error) => void } | null = null;
  const size = new Promise<[number, number]>((resolve, reject) => (settle = { resolve, reject }));
  size.catch(() => undefined);
  const failed = () => new DatasetError('VIDEO_DECODE', `ffmpeg cannot read the stream (${stderr.trim().split('\n').at(-1) ?? 'no output'})`, url);
  // Frames written before the size is parsed wait here (ffmpeg prints the output stream line before writing frames).
  const early: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    if (queue === null) early.push(chunk);
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-65536);
    const match = queue === null ? /Output #0[\s\S]*?Stream #\d+:\d+.*?: Video: .*?, (\d+)x(\d+)\b/.exec(stderr) : null;
    if (match === null) return;
    const resolution: [number, number] = [Number(match[2]), Number(match[1])];
    const stdout = child.stdout!;
    stdout.removeAllListeners('data');
    queue = new FrameQueue(stdout, resolution[0] * resolution[1] * 3, options.capacity ?? 64, options.maxFrames ?? Infinity, () => child.kill('SIGTERM'));
    for (const chunk of early.splice(0)) stdout.emit('data', chunk);
    settle?.resolve(resolution);
  });
  child.on('error', (error) => settle?.reject(new DatasetError('VIDEO_DECODE', `cannot start ffmpeg (${error.message})`, url)));
  child.on('close', (code) => {
    if (queue === null) settle?.reject(failed());
    else queue.finish(code === 0 || code === null || code === 255 ? null : failed());
  });
  return {
    resolution: () => size,
    take: async () => {
      await size;
      return queue!.take();
    },
    close: () => {
      queue?.finish(null);
      child.kill('SIGTERM');
    },
  };
}
