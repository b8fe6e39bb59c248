// MATLAB Level 5 .mat files (what Avenue's ground truth ships as): a 128-byte header, then tagged data elements.
// Read: miMATRIX variables of numeric / logical / char / cell / struct class, little- or big-endian, with
// miCOMPRESSED (zlib) elements inflated. Numeric data is kept in its stored type and MATLAB's column-major order:
// MATLAB stores a double array as uint8 when the values fit, so the class says what the numbers mean and the typed
// array only holds them. Write: the same subset (for fixtures), optionally compressed.
import { deflateSync, inflateSync } from 'node:zlib';
import { DatasetError } from '../readers/dataset-error.ts';

/** Numeric storage arrays a .mat element can hold. */
export type MatNumbers = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** A MATLAB value. Dimensions are MATLAB's (rows first); data is column-major. */
export type MatValue =
  | { kind: 'numeric'; className: MatNumericClass; logical: boolean; dims: number[]; data: MatNumbers }
  | { kind: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; dims: number[]; cells: MatValue[] }
  | { kind: 'struct'; dims: number[]; fields: string[]; elements: Array<Record<string, MatValue>> };

/** MATLAB numeric classes. */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

const MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6, MI_SINGLE = 7;
const MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15, MI_UTF8 = 16;
const MX_CELL = 1, MX_STRUCT = 2, MX_CHAR = 4, MX_SPARSE = 5;
const NUMERIC_CLASSES: Record<number, MatNumericClass> = {
  6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};
const LOGICAL_FLAG = 0x0200;
const COMPLEX_FLAG = 0x0800;

interface Element {
  type: number;
  body: Uint8Array;
}

class Reader {
  readonly view: DataView;
  offset = 0;
  constructor(readonly bytes: Uint8Array, readonly little: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  /** Next tagged element; small elements pack type and size into 4 bytes and their data into the next 4. */
  next(): Element {
    if (this.offset + 8 > this.bytes.length) throw new DatasetError('BAD_MAT', `element tag cut short at byte ${this.offset}`);
    const first = this.view.getUint32(this.offset, this.little);
    if (first >>> 16 !== 0) {
      const size = first >>> 16;
      if (size > 4) throw new DatasetError('BAD_MAT', `bad small element at byte ${this.offset}`);
      const body = this.bytes.subarray(this.offset + 4, this.offset + 4 + size);
      this.offset += 8;
      return { type: first & 0xffff, body };
    }
    const size = this.view.getUint32(this.offset + 4, this.little);
    const start = this.offset + 8;
    if (start + size > this.bytes.length) throw new DatasetError('BAD_MAT', `element of ${size} bytes at byte ${this.offset} runs past the end of the file`);
    // Compressed elements are not padded; every other element is padded to 8 bytes.
    this.offset = first === MI_COMPRESSED ? start + size : start + Math.ceil(size / 8) * 8;
    return { type: first, body: this.bytes.subarray(start, start + size) };
  }
}

function numbers(element: Element, little: boolean): MatNumbers {
  const { type, body } = element;
  const width: Record<number, number> = { [MI_INT8]: 1, [MI_UINT8]: 1, [MI_UTF8]: 1, [MI_INT16]: 2, [MI_UINT16]: 2, [MI_INT32]: 4, [MI_UINT32]: 4, [MI_SINGLE]: 4, [MI_DOUBLE]: 8, [MI_INT64]: 8, [MI_UINT64]: 8 };
  const size = width[type];
  if (size === undefined) throw new DatasetError('BAD_MAT', `data element of type ${type} is not numeric`);
  const count = Math.floor(body.length / size);
  if (size === 1) return type === MI_INT8 ? new Int8Array(body.buffer, body.byteOffset, count).slice() : new Uint8Array(body.subarray(0, count));
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const read = (make: (n: number) => MatNumbers, get: (offset: number) => number | bigint): MatNumbers => {
    const out = make(count);
    for (let i = 0; i < count; i++) (out as unknown as Array<number | bigint>)[i] = get(i * size);
    return out;
  };
  switch (type) {
    case MI_INT16: return read((n) => new Int16Array(n), (o) => view.getInt16(o, little));
    case MI_UINT16: return read((n) => new Uint16Array(n), (o) => view.getUint16(o, little));
    case MI_INT32: return read((n) => new Int32Array(n), (o) => view.getInt32(o, little));
    case MI_UINT32: return read((n) => new Uint32Array(n), (o) => view.getUint32(o, little));
    case MI_SINGLE: return read((n) => new Float32Array(n), (o) => view.getFloat32(o, little));
    case MI_DOUBLE: return read((n) => new Float64Array(n), (o) => view.getFloat64(o, little));
    case MI_INT64: return read((n) => new BigInt64Array(n), (o) => view.getBigInt64(o, little));
    default: return read((n) => new BigUint64Array(n), (o) => view.getBigUint64(o, little));
  }
}

function toIntegers(values: MatNumbers): number[] {
  return Array.from(values as ArrayLike<number | bigint>, (value) => Number(value));
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function parseMatrix(body: Uint8Array, little: boolean): { name: string; value: MatValue } {
  const empty: MatValue = { kind: 'numeric', className: 'double', logical: false, dims: [0, 0], data: new Float64Array(0) };
  if (body.length === 0) return { name: '', value: empty };
  const reader = new Reader(body, little);
  const flagsElement = numbers(reader.next(), little);
  const flags = Number(flagsElement[0] ?? 0);
  const mxClass = flags & 0xff;
  const dims = toIntegers(numbers(reader.next(), little));
  const name = new TextDecoder().decode(reader.next().body);
  const count = product(dims);
  if (mxClass === MX_CELL) {
    const cells: MatValue[] = [];
    for (let i = 0; i < count; i++) {
      const element = reader.next();
      if (element.type !== MI_MATRIX) throw new DatasetError('BAD_MAT', `cell ${name}{${i + 1}} is not a matrix element`);
      cells.push(parseMatrix(element.body, little).value);
    }
    return { name, value: { kind: 'cell', dims, cells } };
  }
  if (mxClass === MX_STRUCT) {
    const nameLength = Number(numbers(reader.next(), little)[0] ?? 0);
    const nameBytes = reader.next().body;
    const fields: string[] = [];
    for (let at = 0; at + nameLength <= nameBytes.length && nameLength > 0; at += nameLength) {
      fields.push(new TextDecoder().decode(nameBytes.subarray(at, at + nameLength)).replace(/\0+$/, ''));
    }
    const elements: Array<Record<string, MatValue>> = [];
    for (let i = 0; i < count; i++) {
      const record: Record<string, MatValue> = {};
      for (const field of fields) record[field] = parseMatrix(reader.next().body, little).value;
      elements.push(record);
    }
    return { name, value: { kind: 'struct', dims, fields, elements } };
  }
  if (mxClass === MX_CHAR) {
    const element = reader.next();
    const text = element.type === MI_UTF8 || element.type === MI_UINT8
      ? new TextDecoder().decode(element.body)
      : String.fromCharCode(...toIntegers(numbers(element, little)));
    return { name, value: { kind: 'char', dims, text } };
  }
  if (mxClass === MX_SPARSE) throw new DatasetError('BAD_MAT', `variable ${name} is a sparse matrix, which is not supported`);
  const className = NUMERIC_CLASSES[mxClass];
  if (className === undefined) throw new DatasetError('BAD_MAT', `variable ${name} has unsupported MATLAB class ${mxClass}`);
  if (flags & COMPLEX_FLAG) throw new DatasetError('BAD_MAT', `variable ${name} is complex, which is not supported`);
  const data = numbers(reader.next(), little);
  if (data.length !== count) throw new DatasetError('BAD_MAT', `variable ${name} holds ${data.length} values for dimensions ${dims.join('x')}`);
  return { name, value: { kind: 'numeric', className, logical: (flags & LOGICAL_FLAG) !== 0, dims, data } };
}

/** Parses a MATLAB v5 .mat file into its variables by name. Throws DatasetError BAD_MAT. */
export function readMat(bytes: Uint8Array): Map<string, MatValue> {
  if (bytes.length < 128) throw new DatasetError('BAD_MAT', 'shorter than the 128-byte MAT header');
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) throw new DatasetError('BAD_MAT', 'MATLAB v7.3 (HDF5) files are not supported; save with -v7 or -v6');
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI') throw new DatasetError('BAD_MAT', 'not a MATLAB v5 file (no endian indicator)');
  const little = endian === 'IM';
  const variables = new Map<string, MatValue>();
  const reader = new Reader(bytes.subarray(128), little);
  while (!reader.done) {
    let element = reader.next();
    if (element.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(element.body);
      } catch (error) {
        throw new DatasetError('BAD_MAT', `compressed element does not inflate (${(error as Error).message})`);
      }
      element = new Reader(inflated, little).next();
    }
    if (element.type !== MI_MATRIX) continue; // other top-level elements carry no variables
    const { name, value } = parseMatrix(element.body, little);
    variables.set(name, value);
  }
  return variables;
}

// ---- writing (little-endian), for test fixtures ----

function tag(type: number, body: Uint8Array): Uint8Array {
  const padded = new Uint8Array(8 + Math.ceil(body.length / 8) * 8);
  const view = new DataView(padded.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, body.length, true);
  padded.set(body, 8);
  return padded;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function dataElement(data: MatNumbers): Uint8Array {
  const types: Array<[new (...args: never[]) => MatNumbers, number]> = [
    [Int8Array, MI_INT8], [Uint8Array, MI_UINT8], [Int16Array, MI_INT16], [Uint16Array, MI_UINT16], [Int32Array, MI_INT32],
    [Uint32Array, MI_UINT32], [Float32Array, MI_SINGLE], [Float64Array, MI_DOUBLE], [BigInt64Array, MI_INT64], [BigUint64Array, MI_UINT64],
  ];
  const type = types.find(([constructor]) => data instanceof constructor)![1];
  return tag(type, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function matrix(name: string, value: MatValue): Uint8Array {
  const classCode = value.kind === 'cell' ? MX_CELL : value.kind === 'struct' ? MX_STRUCT : value.kind === 'char' ? MX_CHAR
    : Number(Object.entries(NUMERIC_CLASSES).find(([, className]) => className === value.className)![0]);
  const flags = classCode | (value.kind === 'numeric' && value.logical ? LOGICAL_FLAG : 0);
  const parts = [dataElement(new Uint32Array([flags, 0])), dataElement(new Int32Array(value.dims)), tag(MI_INT8, new TextEncoder().encode(name))];
  if (value.kind === 'numeric') parts.push(dataElement(value.data));
  if (value.kind === 'char') parts.push(dataElement(Uint16Array.from(value.text, (char) => char.charCodeAt(0))));
  if (value.kind === 'cell') for (const cell of value.cells) parts.push(matrix('', cell));
  if (value.kind === 'struct') {
    const width = Math.max(...value.fields.map((field) => field.length), 0) + 1;
    const names = new Uint8Array(width * value.fields.length);
    value.fields.forEach((field, i) => names.set(new TextEncoder().encode(field), i * width));
    parts.push(dataElement(new Int32Array([width])), tag(MI_INT8, names));
    for (const element of value.elements) for (const field of value.fields) parts.push(matrix('', element[field]!));
  }
  return tag(MI_MATRIX, concat(parts));
}

/** Writes variables as a little-endian MATLAB v5 .mat file; `compress` wraps each in a miCOMPRESSED element. */
export function writeMat(variables: Record<string, MatValue>, options: { compress?: boolean } = {}): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by vadc'), 0);
  header.fill(0, 116, 124);
  header.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100, 'IM' = little-endian
  const parts: Uint8Array[] = [header];
  for (const [name, value] of Object.entries(variables)) {
    const element = matrix(name, value);
    if (!options.compress) {
      parts.push(element);
      continue;
    }
    const compressed = deflateSync(element);
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, MI_COMPRESSED, true);
    new DataView(head.buffer).setUint32(4, compressed.length, true);
    parts.push(head, compressed);
  }
  return concat(parts);
}

/** A logical H x W mask as a MATLAB value (column-major), from row-major 0/1 bytes. */
export function maskToMat(mask: Uint8Array, height: number, width: number): MatValue {
  const data = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[x * height + y] = mask[y * width + x]!;
  return { kind: 'numeric', className: 'uint8', logical: true, dims: [height, width], data };
}

/** A 2-D numeric MATLAB value as row-major 0/1 bytes (non-zero -> 1), with its [height, width]. */
export function matToMask(value: MatValue): { height: number; width: number; mask: Uint8Array } {
  if (value.kind !== 'numeric' || value.dims.length !== 2) throw new DatasetError('BAD_MAT', 'a mask must be a 2-D numeric or logical array');
  const [height, width] = value.dims as [number, number];
  const mask = new Uint8Array(height * width);
  const data = value.data as ArrayLike<number | bigint>;
  for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) mask[y * width + x] = Number(data[x * height + y]) !== 0 ? 1 : 0;
  return { height, width, mask };
}
