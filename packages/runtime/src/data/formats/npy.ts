// NumPy .npy files (ShanghaiTech's test_frame_mask / test_pixel_mask, and anomaly maps given to `vadc metrics`).
// Format 1.0 / 2.0 / 3.0: magic "\x93NUMPY", version, header length (uint16 for 1.0, uint32 after), a Python dict
// literal {'descr': '<f4', 'fortran_order': False, 'shape': (T, H, W), } padded with spaces, then raw data.
// Pure: bytes in, arrays out (no node: imports), so the CLI, the runtime readers and Deno can share it.

/** Data types read: little-endian float32/64, int8/32/64, uint8 and bool. */
export type NpyDtype = 'f4' | 'f8' | 'u1' | 'i1' | 'b1' | 'i4' | 'i8';

/** Typed arrays the data lands in; int64 becomes Float64Array (exact up to 2^53). bool becomes 0/1 bytes. */
export type NpyData = Float32Array | Float64Array | Uint8Array | Int8Array | Int32Array;

/** A parsed array, always in C (row-major) order: Fortran-order files are transposed on read. */
export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: NpyData;
}

/** What can be wrong with a .npy file. */
export type NpyErrorCode = 'NPY_BAD_MAGIC' | 'NPY_BAD_HEADER' | 'NPY_UNSUPPORTED_DTYPE' | 'NPY_TRUNCATED';

/** A malformed or unsupported .npy file. */
export class NpyError extends Error {
  override name = 'NpyError';
  constructor(
    readonly code: NpyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_SIZE: Record<NpyDtype, number> = { f4: 4, f8: 8, u1: 1, i1: 1, b1: 1, i4: 4, i8: 8 };

/** Parses a .npy file. Throws NpyError (magic, header, dtype, truncated data). */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((value, i) => bytes[i] !== value)) throw new NpyError('NPY_BAD_MAGIC', 'not a .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : major === 2 || major === 3 ? view.getUint32(8, true) : -1;
  if (headerLength < 0) throw new NpyError('NPY_BAD_HEADER', `unsupported .npy version ${major}`);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyError('NPY_TRUNCATED', '.npy header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { dtype, fortranOrder, shape } = parseHeader(header);
  const count = shape.reduce((product, size) => product * size, 1);
  const byteCount = count * ITEM_SIZE[dtype];
  if (dataStart + byteCount > bytes.length) {
    throw new NpyError('NPY_TRUNCATED', `.npy data has ${bytes.length - dataStart} bytes, shape (${shape.join(', ')}) of ${dtype} needs ${byteCount}`);
  }
  const data = decodeData(view, dataStart, count, dtype);
  return { shape, dtype, data: fortranOrder && shape.length > 1 ? toRowMajor(data, shape) : data };
}

function parseHeader(header: string): { dtype: NpyDtype; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError('NPY_BAD_HEADER', `malformed .npy header: ${header.trim()}`);
  }
  const match = /^([<>|=])([a-z])(\d+)$/.exec(descr);
  const dtype = match ? (`${match[2]}${match[3]}` as NpyDtype) : undefined;
  // '|' = not applicable (single bytes); '=' = native, little-endian on every JS host we run on.
  if (!match || !dtype || !(dtype in ITEM_SIZE) || (match[1] === '>' && ITEM_SIZE[dtype] > 1)) {
    throw new NpyError('NPY_UNSUPPORTED_DTYPE', `unsupported .npy dtype '${descr}' (supported: little-endian f4, f8, u1, i1, b1, i4, i8)`);
  }
  const parts = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const shape = parts.map((part) => Number(part.replace(/L$/, '')));
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) throw new NpyError('NPY_BAD_HEADER', `bad .npy shape (${shapeText})`);
  return { dtype, fortranOrder: fortran === 'True', shape };
}

function decodeData(view: DataView, start: number, count: number, dtype: NpyDtype): NpyData {
  switch (dtype) {
    case 'f4': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case 'f8': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case 'i4': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case 'i8': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(start + 8 * i, true));
      return out;
    }
    case 'i1':
      return new Int8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 'u1':
      return new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 'b1': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i) === 0 ? 0 : 1;
      return out;
    }
  }
}

/** Reorders Fortran (column-major) data to C (row-major) order for the same shape. */
function toRowMajor<T extends NpyData>(data: T, shape: number[]): T {
  const out = new (data.constructor as new (length: number) => T)(data.length);
  const rank = shape.length;
  const fortranStride = new Array<number>(rank);
  for (let axis = 0, stride = 1; axis < rank; axis++) {
    fortranStride[axis] = stride;
    stride *= shape[axis]!;
  }
  const index = new Array<number>(rank).fill(0);
  let source = 0; // Fortran offset of the current row-major index
  for (let target = 0; target < data.length; target++) {
    out[target] = data[source]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]! += 1;
      source += fortranStride[axis]!;
      if (index[axis]! < shape[axis]!) break;
      source -= index[axis]! * fortranStride[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** Writes a C-order version 1.0 .npy file of float32 or uint8 data (fixtures, exported maps). */
export function writeNpy(array: { shape: readonly number[]; dtype: 'f4' | 'u1'; data: ArrayLike<number> }): Uint8Array {
  const count = array.shape.reduce((product, size) => product * size, 1);
  if (count !== array.data.length) {
    throw new NpyError('NPY_BAD_HEADER', `shape (${array.shape.join(', ')}) holds ${count} values, data has ${array.data.length}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${array.dtype === 'f4' ? '<f4' : '|u1'}', 'fortran_order': False, 'shape': ${shape}, }`;
  // pad with spaces so that the data starts at a multiple of 64 bytes, header ending in '\n' (as numpy writes)
  const unpadded = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const itemSize = array.dtype === 'f4' ? 4 : 1;
  const bytes = new Uint8Array(10 + header.length + count * itemSize);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < count; i++) {
    if (itemSize === 4) view.setFloat32(start + 4 * i, array.data[i]!, true);
    else bytes[start + i] = array.data[i]!;
  }
  return bytes;
}
