// The entries of a zip archive, read from its central directory (torch.save's format since PyTorch 1.6 is a zip of
// `<name>/data.pkl`, `<name>/data/<key>` storages, `<name>/version`, `<name>/byteorder`). torch writes entries
// stored (uncompressed); deflated entries are inflated with node:zlib. ZIP64 records are followed, so checkpoints
// over 4 GiB read too. Reference: PKWARE APPNOTE.TXT 4.3.
import { inflateRawSync } from 'node:zlib';

/** The archive is not a zip this reader understands. */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Name -> contents of every file in the archive (contents are views into `bytes` when stored). */
export function readZipEntries(bytes: Uint8Array, source = 'the archive'): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new ZipFormatError(`${source} is not a readable zip archive: ${message}`);
  };
  // The end-of-directory record is in the last 22 + 65535 bytes (its comment is at most 64 KiB).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) fail('no end-of-directory record (a torch checkpoint from before PyTorch 1.6, or not a checkpoint)');
  let count = view.getUint16(end + 10, true);
  let directory = view.getUint32(end + 16, true);
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_END_LOCATOR) {
    const zip64 = Number(view.getBigUint64(end - 20 + 8, true));
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== ZIP64_END_OF_DIRECTORY) fail('a broken ZIP64 record');
    count = Number(view.getBigUint64(zip64 + 32, true));
    directory = Number(view.getBigUint64(zip64 + 48, true));
  }
  const entries = new Map<string, Uint8Array>();
  let at = directory;
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) fail(`directory entry ${index} is missing`);
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extra field (id 1): the 64-bit values of the fields that read 0xffffffff, in this order.
    for (let extra = at + 46 + nameLength; extra + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 1) {
        let field = extra + 4;
        const next = () => {
          const value = Number(view.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressed === 0xffffffff) compressed = next();
        if (local === 0xffffffff) local = next();
      }
      extra += 4 + length;
    }
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) fail(`${name}: no local header`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) fail(`${name}: cut short`);
    const data = bytes.subarray(start, start + compressed);
    if (method === 0) entries.set(name, data);
    else if (method === 8) entries.set(name, new Uint8Array(inflateRawSync(data)));
    else fail(`${name}: compression method ${method}`);
    if ((entries.get(name) as Uint8Array).length !== size) fail(`${name}: ${(entries.get(name) as Uint8Array).length} bytes, the directory says ${size}`);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
