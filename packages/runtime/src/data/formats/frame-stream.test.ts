import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lostFrames, rawFrameStream } from './frame-stream.ts';

const drain = async (bytes: Buffer, resolution: [number, number]) => {
  const source = new PassThrough();
  const stream = rawFrameStream(source, resolution);
  source.end(bytes);
  const frames: number[] = [];
  for (let taken = await stream.take(); taken !== null; taken = await stream.take()) frames.push(...taken.map((frame) => frame.rgb.length));
  return frames;
};

describe('rawFrameStream checks what it is given', () => {
  it('cuts whole frames and ends cleanly', async () => {
    expect(await drain(Buffer.alloc(2 * 4 * 6 * 3, 7), [4, 6])).toEqual([72, 72]);
  });

  it('refuses a trailing partial frame, naming the frame size', async () => {
    await expect(drain(Buffer.alloc(72 + 10, 7), [4, 6])).rejects.toMatchObject({ code: 'RAW_FRAMES', message: 'stdin: the input ended 10 bytes into frame 1: 6x4 RGB24 frames are 72 bytes each (is --frame-size right?)' });
  });

  it('refuses container files (AVI, Matroska, MP4) piped in as raw frames', async () => {
    const avi = Buffer.alloc(200);
    avi.write('RIFF', 0, 'latin1');
    avi.write('AVI ', 8, 'latin1');
    await expect(drain(avi, [4, 6])).rejects.toMatchObject({ code: 'RAW_FRAMES', message: expect.stringContaining('not raw RGB24 frames but a file (AVI') });
    const mkv = Buffer.alloc(144);
    mkv.writeUInt32BE(0x1a45dfa3, 0);
    await expect(drain(mkv, [4, 6])).rejects.toMatchObject({ message: expect.stringContaining('(Matroska') });
    const mp4 = Buffer.alloc(144);
    mp4.write('ftyp', 4, 'latin1');
    await expect(drain(mp4, [4, 6])).rejects.toMatchObject({ message: expect.stringContaining('(MP4') });
  });
});

describe('lostFrames', () => {
  const gap = (seconds: number) => ({ seconds, attempts: 1, reason: 'the source stopped sending' });

  it('counts the frame times a gap held, less the frame that came back', () => {
    // 2.43 s between the frames either side at 10 fps: 24.3 frame times, 24 whole, one of them the frame that came back.
    expect(lostFrames(gap(2.43), 10)).toBe(23);
    // 1.23 s at 25 fps: 30.75 frame times round to 31, less the one that came back.
    expect(lostFrames(gap(1.23), 25)).toBe(30);
  });

  it('loses nothing when the next frame came within a frame time', () => {
    expect(lostFrames(gap(0.1), 10)).toBe(0);
    expect(lostFrames(gap(0.02), 10)).toBe(0);
  });
});
