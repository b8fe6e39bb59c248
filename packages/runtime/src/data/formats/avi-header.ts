// What an AVI file says about itself before any frame is read: the RIFF chunk's size and the main header's total
// frame count (`avih.dwTotalFrames`). ffmpeg counts the frames it can read, so a file cut short (an interrupted copy
// or download) probes as a shorter, valid-looking video; comparing with these declared numbers tells it apart.
import { open } from 'node:fs/promises';

/** What an AVI header declares; null fields when the file does not say (not an AVI, or an unusual layout). */
export interface AviDeclaration {
  /** Bytes the first RIFF chunk declares, header included (RIFF size + 8). */
  riffBytes: number | null;
  /** avih.dwTotalFrames: frames of the first RIFF chunk (OpenDML files hold more in later chunks). */
  totalFrames: number | null;
}

/** Reads the declared size and frame count of an AVI file from its first 64 KiB. */
export async function readAviDeclaration(path: string): Promise<AviDeclaration> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'AVI ') {
      return { riffBytes: null, totalFrames: null };
    }
    const at = bytes.indexOf('avih', 12, 'latin1');
    // avih payload: dwMicroSecPerFrame, dwMaxBytesPerSec, dwPaddingGranularity, dwFlags, dwTotalFrames (uint32 LE).
    const totalFrames = at >= 0 && at + 8 + 20 <= bytes.length ? bytes.readUInt32LE(at + 8 + 16) : null;
    return { riffBytes: bytes.readUInt32LE(4) + 8, totalFrames };
  } finally {
    await handle.close();
  }
}
