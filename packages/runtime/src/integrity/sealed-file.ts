// The one framing of every file vadc writes and later trusts (checkpoints, components.bin, cache entries): the
// payload, then a 48-byte trailer `VADCSEAL` + the payload length (uint64 LE) + the payload's SHA-256. A reader
// verifies both before it uses a byte, so a truncated, extended or bit-flipped file is an error naming it instead
// of zero-filled weights or scores. A trailer (not a header) lets writers stream the payload and seal at the end.
import { createHash, type Hash } from 'node:crypto';

const MAGIC = 'VADCSEAL';
/** Bytes of the trailer appended to a sealed payload. */
export const SEAL_BYTES = MAGIC.length + 8 + 32;

/** Why a file failed its integrity check. */
export type IntegrityErrorCode = 'LENGTH_MISMATCH' | 'CHECKSUM_MISMATCH' | 'UNSEALED';

/** A file whose bytes are not the bytes vadc wrote; the message names the file and what differs. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(readonly code: IntegrityErrorCode, readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

/** Streams a payload's bytes through SHA-256 and gives its trailer. */
export class Sealer {
  private readonly hash: Hash = createHash('sha256');
  private length = 0;

  /** Adds payload bytes in order. */
  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.length += bytes.length;
  }

  /** The trailer to write after the payload (call once, after the last update). */
  trailer(): Uint8Array {
    const out = Buffer.alloc(SEAL_BYTES);
    out.write(MAGIC, 0, 'latin1');
    out.writeBigUInt64LE(BigInt(this.length), MAGIC.length);
    this.hash.digest().copy(out, MAGIC.length + 8);
    return out;
  }
}

/** The payload followed by its trailer. */
export function sealBytes(payload: Uint8Array): Uint8Array {
  const sealer = new Sealer();
  sealer.update(payload);
  const out = new Uint8Array(payload.length + SEAL_BYTES);
  out.set(payload, 0);
  out.set(sealer.trailer(), payload.length);
  return out;
}

/** Whether `bytes` end with a seal trailer (a sealed file, whole or not). */
function trailerAt(bytes: Uint8Array): number | null {
  const magicAt = bytes.length - SEAL_BYTES;
  if (magicAt < 0) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset + magicAt, MAGIC.length).toString('latin1') === MAGIC ? magicAt : null;
}

/** What openSealed found: the verified payload. */
export interface OpenedFile {
  payload: Uint8Array;
}

/**
 * Verifies a sealed file's bytes and returns its payload; `path` names the file in errors. A file without a trailer
 * (cut, or not written by vadc) is an UNSEALED error: every file vadc writes and later trusts has been sealed since
 * before the first release, so there is no unsealed format to read.
 */
export function openSealed(bytes: Uint8Array, path: string): OpenedFile {
  const at = trailerAt(bytes);
  if (at === null) throw new IntegrityError('UNSEALED', path, `has no integrity trailer (truncated or not written by vadc; ${bytes.length} bytes)`);
  const trailer = Buffer.from(bytes.buffer, bytes.byteOffset + at, SEAL_BYTES);
  const declared = trailer.readBigUInt64LE(MAGIC.length);
  if (declared !== BigInt(at)) {
    throw new IntegrityError('LENGTH_MISMATCH', path, `holds ${at} payload bytes, its trailer declares ${declared} (truncated or corrupt)`);
  }
  const payload = bytes.subarray(0, at);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(trailer.subarray(MAGIC.length + 8))) {
    throw new IntegrityError('CHECKSUM_MISMATCH', path, 'SHA-256 of its contents differs from the one written with it (corrupt file)');
  }
  return { payload };
}
