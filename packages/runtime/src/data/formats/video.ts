// Video files through the ffmpeg binary that ships inside the `@ffmpeg-installer/ffmpeg` npm package (no download at
// install or run time). A video is probed once (size from the stream header, frame count by copying packets, which
// reads the file without decoding it) and decoded once, as a whole, to raw RGB24: ffmpeg is never run per frame.
import { spawn } from 'node:child_process';
import { rename, rm, stat } from 'node:fs/promises';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { DatasetError } from '../readers/dataset-error.ts';
import { readAviDeclaration } from './avi-header.ts';

/** The bundled ffmpeg binary's path (override with VADC_FFMPEG, e.g. to use a system ffmpeg). */
export function ffmpegPath(): string {
  return process.env.VADC_FFMPEG ?? ffmpegInstaller.path;
}

/** Runs ffmpeg with `args` and resolves with its exit code and stderr (kept to the last 64 KiB). */
export function runFfmpeg(args: string[], input?: Uint8Array): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-65536);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    if (input && child.stdin) {
      child.stdin.on('error', () => undefined); // ffmpeg may exit before reading everything; the exit code says why
      child.stdin.end(input);
    }
  });
}

/** What probing a video finds. */
export interface VideoProbe {
  frameCount: number;
  /** [height, width]. */
  resolution: [number, number];
  /** Frames per second its video stream declares; null when it declares none ffmpeg accepts (e.g. an AVI rate of 0). */
  frameRate: number | null;
}

/**
 * The frame rate ffmpeg found for an input's first video stream (its `fps`, else `tbr`), from ffmpeg's log; null when
 * there is none, or when ffmpeg says it replaced an invalid one (an AVI whose rate is 0 is shown as 25 fps).
 */
export function inputFrameRate(log: string): number | null {
  if (/scale\/rate is \d+\/\d+ which is invalid/.test(log)) return null;
  const input = log.split(/\nOutput #0|\nStream mapping/)[0]!;
  const stream = /Stream #\d+:\d+.*?: Video: .*/.exec(input)?.[0];
  const rate = stream === undefined ? null : /, ([\d.]+)(k?) fps\b/.exec(stream) ?? /, ([\d.]+)(k?) tbr\b/.exec(stream);
  const value = rate === null || rate === undefined ? NaN : Number(rate[1]) * (rate[2] === 'k' ? 1000 : 1);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** The duration an input declares (`Duration: hh:mm:ss.ss` in ffmpeg's log), seconds; null for N/A (a live source). */
export function inputDuration(log: string): number | null {
  const match = /Duration: (\d+):(\d+):([\d.]+)/.exec(log);
  return match === null ? null : Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

// ffmpeg's messages, and what the user should do about each (the first that matches is said).
const FFMPEG_ADVICE: Array<[RegExp, string]> = [
  [/Connection refused/i, 'nothing answers at that address: is the camera or server up, and are the host and port right?'],
  [/Connection timed out|timed out/i, 'the address did not answer in time: check the host, the port and the network'],
  [/401 Unauthorized|authorization failed/i, 'the camera wants a user name and password: put them in the URL (rtsp://user:password@host/...)'],
  [/403 Forbidden/i, 'the server refuses this stream: check the path and the credentials'],
  [/404 Not Found|Server returned 4\d\d/i, 'the server has no stream at that path: check the URL'],
  [/Server returned 5\d\d/i, 'the server failed (5XX): try again later or check the server'],
  [/matches no streams|does not contain any stream|no video stream/i, 'ffmpeg found no video stream in it: is it a video? A container whose index sits at its end (an AVI, an MP4 without faststart) often cannot be read over HTTP: serve it as Matroska or MPEG-TS (ffmpeg -i in.avi -c copy -f matroska ...), or download it and score the file'],
  [/Invalid data found when processing input|moov atom not found|EBML header parsing failed/i, 'this is not a video ffmpeg can read (damaged, cut short, or not a video): check the file or URL'],
  [/Protocol not found|Unsupported protocol/i, 'ffmpeg does not read this kind of URL: use rtsp://, rtmp://, http(s)://, udp:// or a file'],
  [/No such file or directory/i, 'there is no such file'],
  [/Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i, 'the host name does not resolve: check the URL'],
];

/**
 * ffmpeg's failure in words a user can act on: its last message, and what to do when the message is a known one
 * (ffmpeg's own hints, such as "add a trailing '?' to the map", are about its command line, not the user's).
 */
export function ffmpegFailure(log: string): string {
  // ffmpeg's hints about its own command line ("To ignore this, add a trailing '?' to the map.") are dropped.
  const lines = log.replace(/\r/g, '\n').replace(/\(?To ignore this, add a trailing '\?' to the map\.\)?/g, '').split('\n')
    .map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('frame='));
  const last = lines.at(-1) ?? 'no output';
  const advice = FFMPEG_ADVICE.find(([pattern]) => pattern.test(log))?.[1];
  return advice === undefined ? last : `${last}: ${advice}`;
}

/** Probes a video's frame count and size. Throws DatasetError VIDEO_PROBE naming the file. */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const { code, stderr } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
  const stream = /Stream #\d+:\d+.*?: Video: .*?, (\d+)x(\d+)\b/.exec(stderr);
  const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].at(-1);
  if (code !== 0 || !stream || !frames) throw new DatasetError('VIDEO_PROBE', `cannot read video (${ffmpegFailure(stderr)})`, path);
  const frameCount = Number(frames[1]);
  if (frameCount === 0) throw new DatasetError('EMPTY_VIDEO', 'video has no frames', path);
  await checkDeclaredLength(path, frameCount);
  return { frameCount, resolution: [Number(stream[2]), Number(stream[1])], frameRate: inputFrameRate(stderr) };
}

/** Throws DatasetError TRUNCATED_VIDEO when the file ends before the length its header declares. */
async function checkDeclaredLength(path: string, probedFrames: number): Promise<void> {
  const declared = await readAviDeclaration(path);
  const size = (await stat(path)).size;
  if (declared.riffBytes !== null && size < declared.riffBytes) {
    throw new DatasetError('TRUNCATED_VIDEO', `the file ends at byte ${size}, its header declares ${declared.riffBytes} (cut short; ${probedFrames} frames readable)`, path);
  }
  if (declared.totalFrames !== null && declared.totalFrames > 0 && probedFrames < declared.totalFrames) {
    throw new DatasetError('TRUNCATED_VIDEO', `${probedFrames} readable frames, its header declares ${declared.totalFrames} (cut short or damaged)`, path);
  }
}

/** The pixel format frames are decoded to: interleaved 8-bit R, G, B, rows top to bottom. */
export const RAW_PIXEL_FORMAT = 'rgb24';

/**
 * ffmpeg's arguments that decode the first video stream of `input` to raw RGB24 frames in `output`, every frame as
 * stored (-vsync 0: none duplicated or dropped to match a nominal rate). The one decode of video files; a model
 * package's manifest states it (with placeholders) so that another scorer decodes the same frames.
 */
export function rawDecodeArgs(input: string, output: string): string[] {
  return ['-v', 'error', '-i', input, '-map', '0:v:0', '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', RAW_PIXEL_FORMAT, '-y', output];
}

/**
 * Decodes every frame of `path` to `target` as raw RGB24 ([T, H, W, 3] bytes), writing a `.partial` file first so
 * an interrupted decode never leaves a file that looks complete. Checks the byte count against the probe.
 */
export async function decodeVideoToFile(path: string, probe: VideoProbe, target: string): Promise<void> {
  const partial = `${target}.partial`;
  const { code, stderr } = await runFfmpeg(rawDecodeArgs(path, partial));
  const [height, width] = probe.resolution;
  const expected = probe.frameCount * height * width * 3;
  const size = await stat(partial).then((info) => info.size, () => -1);
  if (code !== 0 || size !== expected) {
    await rm(partial, { force: true });
    const found = size < 0 ? 'nothing' : `${size / (height * width * 3)} frames`;
    const reason = code !== 0 ? ffmpegFailure(stderr) : `decoded ${found}, expected ${probe.frameCount}`;
    throw new DatasetError('VIDEO_DECODE', `cannot decode video (${reason})`, path);
  }
  await rename(partial, target);
}

/** Encodes raw RGB24 frames ([T, H, W, 3]) into a video file; for test fixtures. `codec` e.g. mjpeg, libx264. */
export async function encodeVideo(target: string, frames: Uint8Array, frameCount: number, resolution: [number, number], codec = 'mjpeg'): Promise<void> {
  const [height, width] = resolution;
  const quality = codec === 'mjpeg' ? ['-q:v', '2'] : codec === 'libx264' ? ['-qp', '0', '-pix_fmt', 'yuv444p'] : [];
  const { code, stderr } = await runFfmpeg([
    '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', '25', '-i', '-',
    '-frames:v', String(frameCount), '-c:v', codec, ...quality, '-y', target,
  ], frames);
  if (code !== 0) throw new DatasetError('VIDEO_DECODE', `ffmpeg could not encode (${stderr.trim()})`, target);
}

/** A video being encoded frame by frame (see openVideoEncoder). */
export interface VideoEncoder {
  /** Appends one RGB24 frame (height x width x 3); resolves once ffmpeg has taken it (backpressure). */
  write(frame: Uint8Array): Promise<void>;
  /** Ends the input and waits for ffmpeg; throws DatasetError VIDEO_DECODE naming the file when it failed. */
  close(): Promise<void>;
}

/**
 * Encodes RGB24 frames one at a time into `target` (H.264 in MP4 by default, yuv420p so players open it), without
 * holding the video in memory. Odd sizes are padded to even ones, as yuv420p needs.
 */
export function openVideoEncoder(target: string, resolution: [number, number], fps: number, codec = 'libx264'): VideoEncoder {
  const [height, width] = resolution;
  const quality = codec === 'libx264' ? ['-pix_fmt', 'yuv420p', '-crf', '18', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2'] : [];
  const child = spawn(ffmpegPath(), [
    '-hide_banner', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-',
    '-c:v', codec, ...quality, '-y', target,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-16384);
  });
  child.stdin.on('error', () => undefined); // an early exit shows in close()
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? 1));
  });
  return {
    write: async (frame) => {
      if (child.stdin.write(frame)) return;
      // Wait for ffmpeg to take it, or for ffmpeg to have exited (close() then reports why).
      await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), exited]);
    },
    close: async () => {
      child.stdin.end();
      const code = await exited;
      if (code !== 0) throw new DatasetError('VIDEO_DECODE', `ffmpeg could not encode (${stderr.trim() || `exit ${code}`})`, target);
    },
  };
}
