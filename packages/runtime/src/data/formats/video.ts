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
}

/** Probes a video's frame count and size. Throws DatasetError VIDEO_PROBE naming the file. */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const { code, stderr } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
  const stream = /Stream #\d+:\d+.*?: Video: .*?, (\d+)x(\d+)\b/.exec(stderr);
  const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].at(-1);
  if (code !== 0 || !stream || !frames) {
    const reason = stderr.trim().split('\n').at(-1) ?? 'no video stream';
    throw new DatasetError('VIDEO_PROBE', `cannot read video (${reason})`, path);
  }
  const frameCount = Number(frames[1]);
  if (frameCount === 0) throw new DatasetError('EMPTY_VIDEO', 'video has no frames', path);
  await checkDeclaredLength(path, frameCount);
  return { frameCount, resolution: [Number(stream[2]), Number(stream[1])] };
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

/**
 * Decodes every frame of `path` to `target` as raw RGB24 ([T, H, W, 3] bytes), writing a `.partial` file first so
 * an interrupted decode never leaves a file that looks complete. Checks the byte count against the probe.
 */
export async function decodeVideoToFile(path: string, probe: VideoProbe, target: string): Promise<void> {
  const partial = `${target}.partial`;
  // -vsync 0 passes frames through as stored: no duplicated or dropped frames to match a nominal frame rate.
  const { code, stderr } = await runFfmpeg(['-v', 'error', '-i', path, '-map', '0:v:0', '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', partial]);
  const [height, width] = probe.resolution;
  const expected = probe.frameCount * height * width * 3;
  const size = await stat(partial).then((info) => info.size, () => -1);
  if (code !== 0 || size !== expected) {
    await rm(partial, { force: true });
    const found = size < 0 ? 'nothing' : `${size / (height * width * 3)} frames`;
    const reason = code !== 0 ? stderr.trim().split('\n').at(-1) : `decoded ${found}, expected ${probe.frameCount}`;
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
