// A `torch.save` file (the zip format of PyTorch >= 1.6) read without Python and without running anything: the zip
// (zip-archive.ts), its data.pkl through the inert pickle reader (pickle.ts), and the tensors it names rebuilt from
// the storage entries. Interpreted globals, nothing else: torch._utils._rebuild_tensor_v2 / _rebuild_parameter, the
// torch.*Storage types of persistent ids, collections.OrderedDict. Every other class stays an inert PyObject; the
// refused globals (os.system, builtins.eval, ...) stop the read with PickleRefusedError.
import { PickleFormatError, PyDict, PyGlobal, PyObject, PyTuple, readPickle } from './pickle.ts';
import { readZipEntries } from './zip-archive.ts';

/** Element types of torch storages this reader converts. */
export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const STORAGE_TYPES: Record<string, TorchDtype> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};
const BYTES_PER: Record<TorchDtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** One storage of the archive: raw little-endian bytes of `dtype`. */
interface Storage {
  dtype: TorchDtype;
  key: string;
  bytes: Uint8Array;
}

/** A tensor of the checkpoint: a strided view of a storage, converted on demand. */
export class TorchTensor {
  constructor(
    readonly dtype: TorchDtype,
    readonly shape: readonly number[],
    private readonly storage: Storage,
    private readonly offset: number,
    private readonly stride: readonly number[],
  ) {}

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** The values in row-major order as float32 (integers and halves converted). */
  toFloat32(): Float32Array {
    const count = this.storage.bytes.length / BYTES_PER[this.dtype];
    // The farthest value the view reads, checked before allocating: a shape the storage cannot hold is an error, not
    // a huge allocation.
    if (this.size > 0) {
      const last = this.shape.reduce((at, size, axis) => at + (size - 1) * (this.stride[axis] ?? 0), this.offset);
      const first = this.shape.reduce((at, size, axis) => at + Math.min(0, (size - 1) * (this.stride[axis] ?? 0)), this.offset);
      if (this.shape.length !== this.stride.length || first < 0 || last >= count || !Number.isSafeInteger(this.size)) {
        throw new PickleFormatError(`storage ${this.storage.key} holds ${count} values; a ${this.shape.join('x')} tensor at offset ${this.offset} with strides ${this.stride.join(',')} reads past it`);
      }
    }
    const out = new Float32Array(this.size);
    const read = elementReader(this.storage);
    const index = new Array<number>(this.shape.length).fill(0);
    for (let flat = 0; flat < out.length; flat++) {
      let at = this.offset;
      for (let axis = 0; axis < index.length; axis++) at += (index[axis] as number) * (this.stride[axis] as number);
      out[flat] = read(at);
      for (let axis = index.length - 1; axis >= 0; axis--) {
        index[axis] = (index[axis] as number) + 1;
        if ((index[axis] as number) < (this.shape[axis] as number)) break;
        index[axis] = 0;
      }
    }
    return out;
  }
}

function elementReader(storage: Storage): (index: number) => number {
  const view = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  switch (storage.dtype) {
    case 'float32': return (i) => view.getFloat32(i * 4, true);
    case 'float64': return (i) => view.getFloat64(i * 8, true);
    case 'float16': return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16': return (i) => new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0] as number;
    case 'int64': return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int32': return (i) => view.getInt32(i * 4, true);
    case 'int16': return (i) => view.getInt16(i * 2, true);
    case 'int8': return (i) => view.getInt8(i);
    case 'uint8': case 'bool': return (i) => view.getUint8(i);
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Reads a torch.save zip file: the unpickled root object, with tensors as TorchTensor. */
export function readTorchFile(bytes: Uint8Array, source: string): unknown {
  const entries = readZipEntries(bytes, source);
  const pickleName = [...entries.keys()].find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
  if (pickleName === undefined) throw new PickleFormatError(`${source} holds no data.pkl: not a torch.save file`);
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder !== undefined && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new PickleFormatError(`${source} was written on a big-endian machine; only little-endian checkpoints are read`);
  }
  const storages = new Map<string, Storage>();
  return readPickle(entries.get(pickleName) as Uint8Array, {
    source: `${source} (${pickleName})`,
    persistentLoad(pid) {
      // ('storage', storage type, key, location, numel)
      if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage') throw new PickleFormatError(`${source}: a persistent id that is not a storage`);
      const [, type, key] = pid.items;
      const dtype = type instanceof PyGlobal && type.module === 'torch' ? STORAGE_TYPES[type.name] : undefined;
      if (dtype === undefined) throw new PickleFormatError(`${source}: storage type ${type instanceof PyGlobal ? type.qualified : String(type)} is not one this reader converts`);
      const name = String(key);
      let storage = storages.get(name);
      if (storage === undefined) {
        const data = entries.get(`${prefix}data/${name}`);
        if (data === undefined) throw new PickleFormatError(`${source}: storage ${name} is missing from the archive`);
        storage = { dtype, key: name, bytes: data };
        storages.set(name, storage);
      }
      return storage;
    },
    interpret(callable, args) {
      switch (callable.qualified) {
        case 'torch._utils._rebuild_tensor_v2':
        case 'torch._utils._rebuild_tensor': {
          const [storage, offset, size, stride] = args;
          if (!isStorage(storage) || typeof offset !== 'number' || !(size instanceof PyTuple) || !(stride instanceof PyTuple)) {
            throw new PickleFormatError(`${source}: _rebuild_tensor_v2 with arguments that are not (storage, offset, size, stride)`);
          }
          return new TorchTensor(storage.dtype, size.items.map(Number), storage, offset, stride.items.map(Number));
        }
        case 'torch._utils._rebuild_parameter':
        case 'torch._utils._rebuild_parameter_with_state':
          return args[0];
        case 'collections.OrderedDict': {
          const dict = new PyDict();
          // OrderedDict(list of pairs), the way protocol 2 sometimes writes it; usually it is empty, then SETITEMS.
          const pairs = args[0];
          if (Array.isArray(pairs)) for (const pair of pairs) if (pair instanceof PyTuple) dict.entries.set(pair.items[0], pair.items[1]);
          return dict;
        }
        default:
          return undefined;
      }
    },
  });
}

function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'bytes' in value && 'key' in value;
}

/** The fields of a record a checkpoint carries (ml_collections ConfigDict, argparse Namespace, a dict), as plain values. */
export function recordFields(value: unknown, depth = 0): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  let dict: unknown = value;
  if (value instanceof PyObject) {
    dict = value.state;
    // ConfigDict keeps its values in `_fields`; Namespace in its __dict__.
    if (dict instanceof PyDict && dict.get('_fields') instanceof PyDict) dict = dict.get('_fields');
  }
  if (dict instanceof PyDict) for (const [key, field] of dict.entries) if (typeof key === 'string') fields.set(key, plainValue(field, depth + 1));
  return fields;
}

// Python values as JSON-like values: tuples and lists as arrays, dicts and records as objects, others as a name.
// A pickle's memo can make a list contain itself; nesting deeper than this is cut off.
const MAX_DEPTH = 32;

function plainValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return '<nested too deep>';
  if (value instanceof PyTuple) return value.items.map((item) => plainValue(item, depth + 1));
  if (Array.isArray(value)) return value.map((item) => plainValue(item, depth + 1));
  // ml_collections' FieldReference (ConfigDict.get_ref) holds its value in `_value`; its lazy ops are not evaluated.
  if (value instanceof PyObject && value.type.name === 'FieldReference' && value.state instanceof PyDict) return plainValue(value.state.get('_value'), depth + 1);
  if (value instanceof PyDict || (value instanceof PyObject && value.state instanceof PyDict)) return Object.fromEntries(recordFields(value, depth));
  if (value instanceof PyObject) return `<${value.type.qualified}>`;
  if (value instanceof PyGlobal) return `<${value.qualified}>`;
  if (typeof value === 'bigint') return Number(value);
  return value;
}
