// Live video as raw RGB24 frames: from any input ffmpeg reads (rtsp://, http://, a file, ...) decoded by the
// bundled ffmpeg into a pipe, or from a byte stream of raw frames (stdin). Frames queue up as they arrive, each with
// its arrival time; when the consumer falls behind by `capacity` frames the source is paused (backpressure: ffmpeg
// then stops reading), so memory stays bounded whatever the stream's length. (No `-fflags nobuffer`: with it the
// bundled 2018 ffmpeg drops the frames it read while probing the stream.)
//
// A live source that stops is not a clean end: reconnectingFrameStream opens it again with backoff and marks the
// first frame after the gap. What counts as an end: a source that declares a duration (a file, or a file served over
// HTTP or RTSP) ends cleanly once that many frames came; a source without one (a camera) never ends by itself. A
// source that comes back after a drop either starts its file again (its first frame comes again: the frames of that
// connection count) or goes on where its timeline got to while it was gone (a file served live, restarted at the
// current time: it declares the whole duration but sends the rest), and then the frames before the drop and those
// the gap lost, by the wall clock, count too.
import { spawn, type ChildProcess } from 'node:child_process';
import { DatasetError } from '../readers/dataset-error.ts';
import { ffmpegFailure, ffmpegPath, inputDuration, inputFrameRate } from './video.ts';

/** Frames lost between two connections of a live source. */
export interface StreamGap {
  /** Wall-clock seconds from the arrival of the last frame before the drop to that of the first frame after it. */
  seconds: number;
  /** Connections tried before one gave frames again. */
  attempts: number;
  /** Why the source stopped (ffmpeg's last message, in words). */
  reason: string;
}

/**
 * The frames a gap lost at `fps` frames per second: the frame times its wall-clock length holds, less the one of
 * the frame that came back (0 when that frame came within a frame time). What the reconnecting stream counts its
 * source's timeline with and what `vadc score` reports as a gap's lost_frames.
 */
export function lostFrames(gap: StreamGap, fps: number): number {
  return Math.max(0, Math.round(gap.seconds * fps) - 1);
}

/** One received frame: RGB24 bytes at the stream's resolution, and when its last byte arrived (performance.now()). */
export interface ReceivedFrame {
  rgb: Uint8Array;
  arrived: number;
  /** On the first frame after a reconnection: the gap before it. */
  gap?: StreamGap;
}

/** A live source of frames. */
export interface FrameStream {
  /** [height, width] (for ffmpeg inputs, known once ffmpeg has opened the stream). */
  resolution(): Promise<[number, number]>;
  /** Frames per second the source declares (known with the resolution); null when it declares none usable. */
  frameRate(): Promise<number | null>;
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
  count = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(
    private readonly source: Readable, private readonly frameBytes: number, private readonly capacity: number, private readonly maxFrames: number,
    private readonly onLimit: () => void,
  ) {
    source.on('data', (chunk) => this.add(chunk));
    source.on('end', () => this.finish(null));
    source.on('error', (error) => this.finish(error));
  }

  /** Whether maxFrames frames came. */
  get limited(): boolean {
    return this.count >= this.maxFrames;
  }

  /** Bytes received after the last whole frame. */
  get trailingBytes(): number {
    return this.partialBytes;
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

// Container formats by their first bytes: what a user may pipe by mistake into an input that expects raw frames.
const CONTAINER_MAGIC: Array<[string, (head: Buffer) => boolean]> = [
  ['AVI / WAV (RIFF)', (head) => head.toString('latin1', 0, 4) === 'RIFF'],
  ['Matroska / WebM', (head) => head.readUInt32BE(0) === 0x1a45dfa3],
  ['MP4 / QuickTime', (head) => head.toString('latin1', 4, 8) === 'ftyp'],
  ['PNG', (head) => head.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n'],
  ['JPEG', (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff],
  ['Ogg', (head) => head.toString('latin1', 0, 4) === 'OggS'],
  ['FLV', (head) => head.toString('latin1', 0, 3) === 'FLV'],
  ['GIF', (head) => head.toString('latin1', 0, 4) === 'GIF8'],
  ['MPEG program stream', (head) => head.readUInt32BE(0) === 0x000001ba],
];

/**
 * Raw RGB24 frames of [height, width] from a byte stream (e.g. process.stdin), checked: a stream that starts like a
 * container file (AVI, Matroska, MP4, ...) and one that ends inside a frame are DatasetError RAW_FRAMES, naming
 * the frame size the bytes were cut by. `name` says where the bytes come from (e.g. stdin).
 */
export function rawFrameStream(source: Readable, resolution: [number, number], options: FrameStreamOptions & { name?: string } = {}): FrameStream {
  const [height, width] = resolution;
  const frameBytes = height * width * 3;
  const name = options.name ?? 'stdin';
  // The first bytes are checked before the queue cuts them into frames (this listener is registered first).
  let head = Buffer.alloc(0);
  source.on('data', (chunk) => {
    if (head.length >= 12) return;
    head = Buffer.concat([head, chunk]).subarray(0, 12);
    const container = head.length >= 12 ? CONTAINER_MAGIC.find(([, matches]) => matches(head))?.[0] : undefined;
    if (container !== undefined) {
      queue.finish(new DatasetError('RAW_FRAMES', `these bytes are not raw RGB24 frames but a file (${container}): give the file (or URL) itself as the input, or decode it first (ffmpeg -i FILE -f rawvideo -pix_fmt rgb24 -)`, name));
    }
  });
  const queue = new FrameQueue(source, frameBytes, options.capacity ?? 64, options.maxFrames ?? Infinity, () => source.pause());
  source.on('end', () => {
    const trailing = queue.trailingBytes;
    if (trailing > 0 && !queue.limited) {
      queue.finish(new DatasetError('RAW_FRAMES', `the input ended ${trailing} bytes into frame ${queue.count}: ${width}x${height} RGB24 frames are ${frameBytes} bytes each (is --frame-size right?)`, name));
    }
  });
  return { resolution: async () => resolution, frameRate: async () => null, take: () => queue.take(), close: () => queue.finish(null) };
}

/** How one ffmpeg connection ended: cleanly (the source's declared end, the frame limit, close()) or not, and why. */
interface ConnectionEnd {
  clean: boolean;
  reason: string;
}

interface Connection extends FrameStream {
  /**
   * Known once take() has returned null; `before`: frames of the source's timeline that passed before this connection
   * (earlier connections' and the gaps'; 0 for the first connection and for one that started the source again).
   */
  end(before?: number): ConnectionEnd;
}

// One ffmpeg process reading `url`.
function ffmpegConnection(url: string, options: FrameStreamOptions): Connection {
  const args = ['-hide_banner', '-nostdin', ...(url.startsWith('rtsp://') ? ['-rtsp_transport', 'tcp'] : []), '-i', url,
    '-map', '0:v:0', '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child: ChildProcess = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let queue: FrameQueue | null = null;
  let closed = false;
  let exitCode: number | null = null;
  let duration: number | null = null;
  let rate: number | null = null;
  let settle: { resolve: (size: [number, number]) => void; reject: (error: Error) => void } | null = null;
  const size = new Promise<[number, number]>((resolve, reject) => (settle = { resolve, reject }));
  size.catch(() => undefined);
  const failed = () => new DatasetError('VIDEO_DECODE', `ffmpeg cannot read the stream (${ffmpegFailure(stderr)})`, url);
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
    duration = inputDuration(stderr);
    rate = inputFrameRate(stderr);
    const stdout = child.stdout!;
    stdout.removeAllListeners('data');
    queue = new FrameQueue(stdout, resolution[0] * resolution[1] * 3, options.capacity ?? 64, options.maxFrames ?? Infinity, () => child.kill('SIGTERM'));
    for (const chunk of early.splice(0)) stdout.emit('data', chunk);
    settle?.resolve(resolution);
  });
  child.on('error', (error) => settle?.reject(new DatasetError('VIDEO_DECODE', `cannot start ffmpeg (${error.message})`, url)));
  child.on('close', (code) => {
    exitCode = code;
    if (queue === null) settle?.reject(failed());
    else queue.finish(closed || queue.limited || code === 0 || code === null || code === 255 ? null : failed());
  });
  return {
    resolution: () => size,
    frameRate: async () => {
      await size;
      return rate;
    },
    take: async () => {
      await size;
      return queue!.take();
    },
    close: () => {
      closed = true;
      queue?.finish(null);
      child.kill('SIGTERM');
    },
    end: (before = 0) => {
      const received = queue?.count ?? 0;
      if (closed || queue?.limited) return { clean: true, reason: 'stopped' };
      const expected = duration !== null && rate !== null ? Math.round(duration * rate) : null;
      const why = exitCode !== 0 && exitCode !== null && exitCode !== 255 ? ffmpegFailure(stderr) : 'the source stopped sending';
      // A declared duration reached (within a frame) is the source's end; without one (a camera) any end is a drop.
      if (expected !== null && received >= expected - 1) return { clean: true, reason: 'end of the input' };
      // A source that went on while it was gone reaches its end with the frames before it (within a second of frames:
      // the gaps are measured by the wall clock).
      if (expected !== null && before > 0 && before + received >= expected - Math.max(1, Math.round(rate ?? 1))) {
        return { clean: true, reason: 'end of the input (with the frames before the drops and those the gaps lost)' };
      }
      const declared = expected === null ? 'it declares no end' : `${expected} declared`;
      return { clean: false, reason: `${why} after ${received} frames (${declared})` };
    },
  };
}

/**
 * Frames of any input ffmpeg reads (`url`), decoded as they arrive, in one connection: the end of the source is the
 * end of the stream. Rejects (resolution / take) with DatasetError VIDEO_DECODE naming the input, with ffmpeg's last
 * message and what to do about it, when ffmpeg cannot open or decode it.
 */
export function ffmpegFrameStream(url: string, options: FrameStreamOptions = {}): FrameStream {
  return ffmpegConnection(url, options);
}

/** How a live stream reconnects: attempts after a drop (before frames come again), and the first delay (doubled each time, at most 30 s). */
export interface ReconnectPolicy {
  attempts: number;
  delaySeconds: number;
  /** Told of each attempt (stderr). */
  log?: (text: string) => void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * A live source (a camera: rtsp://, http://, a device) read by ffmpeg, reopened when it drops: an end before the
 * source's declared end (or any end, when it declares none) is a drop; the stream then reconnects after
 * delay, 2 delay, 4 delay, ... up to `attempts` times, and the first frame after the gap carries it (`gap`). When
 * every attempt fails, the stream ends (take() returns null, so the frames received are all scored) and lost() is a
 * DatasetError STREAM_LOST naming the input, the attempts and the last error. The first connection is not retried: an input that never opened is a wrong input, said at once.
 * Frames keep the resolution of the first connection; a source that comes back at another size is STREAM_LOST.
 */
export function reconnectingFrameStream(url: string, policy: ReconnectPolicy, options: FrameStreamOptions = {}): FrameStream & { lost(): DatasetError | null } {
  const maxFrames = options.maxFrames ?? Infinity;
  let current: Connection = ffmpegConnection(url, options);
  const first = current.resolution();
  let received = 0;
  let lastArrival = 0;
  let closed = false;
  // The gap being reconnected across; its length is known once the first frame after it arrives.
  let pendingGap: (Omit<StreamGap, 'seconds'> & { lastArrival: number }) | null = null;
  // The source's timeline (see the header): frames before the current connection, the current one's, and the
  // stream's first frame, which a source that starts its file again sends again.
  let before = 0;
  let connectionFrames = 0;
  let firstFrame: Uint8Array | null = null;
  // Attempts since the last frame: a source that accepts connections but sends no frame still runs out of them.
  let failedAttempts = 0;
  let lost: DatasetError | null = null;
  const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  const reconnect = async (reason: string): Promise<boolean> => {
    const [height, width] = await first;
    let lastError = reason;
    while (failedAttempts < policy.attempts && !closed) {
      const attempt = ++failedAttempts;
      const delay = Math.min(30, policy.delaySeconds * 2 ** (attempt - 1));
      const what = attempt === 1 || lastError === reason ? `dropped (${lastError})` : `attempt ${attempt - 1} failed (${lastError})`;
      policy.log?.(`stream ${url}: ${what}; reconnecting in ${delay} s (attempt ${attempt} of ${policy.attempts})`);
      await sleep(delay);
      if (closed) return false;
      const next = ffmpegConnection(url, { ...options, maxFrames: maxFrames - received });
      try {
        const [h, w] = await next.resolution();
        if (h !== height || w !== width) {
          next.close();
          lost = new DatasetError('STREAM_LOST', `the stream came back at ${w}x${h}, it was ${width}x${height}: restart vadc score for the new size`, url);
          return false;
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message.replace(`${url}: `, '') : String(error);
        continue;
      }
      current = next;
      pendingGap = { lastArrival, attempts: attempt, reason: pendingGap?.reason ?? reason };
      return true;
    }
    if (closed) return false;
    lost = new DatasetError('STREAM_LOST', `the stream dropped after ${received} frames and ${policy.attempts} reconnection attempts failed; last error: ${lastError}`, url);
    return false;
  };

  return {
    resolution: () => first,
    frameRate: () => current.frameRate(),
    take: async () => {
      while (true) {
        let frames: ReceivedFrame[] | null;
        let failure: string | null = null;
        try {
          frames = await current.take();
        } catch (error) {
          if (pendingGap === null && received === 0) throw error; // the first connection never gave a frame
          frames = null;
          failure = error instanceof Error ? error.message.replace(`${url}: `, '') : String(error);
        }
        if (frames !== null) {
          if (pendingGap !== null) {
            const gap: StreamGap = { seconds: (frames[0]!.arrived - pendingGap.lastArrival) / 1000, attempts: pendingGap.attempts, reason: pendingGap.reason };
            frames[0]!.gap = gap;
            const rate = await current.frameRate();
            const lost = rate === null ? 0 : lostFrames(gap, rate);
            before = firstFrame !== null && sameBytes(frames[0]!.rgb, firstFrame) ? 0 : before + connectionFrames + lost;
            connectionFrames = 0;
          }
          firstFrame ??= frames[0]!.rgb.slice();
          connectionFrames += frames.length;
          pendingGap = null;
          failedAttempts = 0;
          received += frames.length;
          lastArrival = frames.at(-1)!.arrived;
          return frames;
        }
        if (closed || received >= maxFrames) return null;
        const end = current.end(before);
        if (failure === null && end.clean) return null;
        // A connection that opened but gave no frame keeps the gap open: the attempts go on counting from it.
        if (!(await reconnect(failure ?? end.reason))) return null;
      }
    },
    close: () => {
      closed = true;
      current.close();
    },
    lost: () => lost,
  };
}
