// Builds pickles and torch.save-style zip files byte by byte for the tests, without Python: well-formed state dicts,
// and malicious pickles (GLOBAL 'os' 'system' + REDUCE and the like) that a reader must refuse. Opcodes as in
// CPython's Lib/pickletools.py.

const text = new TextEncoder();

/** A pickle as a list of byte chunks. */
export class PickleWriter {
  private readonly chunks: number[] = [];
  private memo = 0;

  proto(version: number): this { return this.raw(0x80, version); }
  /** GLOBAL "module\nname\n" (protocols 0-3). */
  global(module: string, name: string): this { return this.raw(0x63, ...text.encode(`${module}\n${name}\n`)); }
  /** STACK_GLOBAL of two strings (protocol 4). */
  stackGlobal(module: string, name: string): this { return this.unicode(module).unicode(name).raw(0x93); }
  unicode(value: string): this {
    const bytes = text.encode(value);
    return this.raw(0x58, ...u32(bytes.length), ...bytes);
  }
  int(value: number): this { return this.raw(0x4a, ...i32(value)); }
  float(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, false);
    return this.raw(0x47, ...bytes);
  }
  none(): this { return this.raw(0x4e); }
  bool(value: boolean): this { return this.raw(value ? 0x88 : 0x89); }
  mark(): this { return this.raw(0x28); }
  tuple(): this { return this.raw(0x74); }
  emptyTuple(): this { return this.raw(0x29); }
  emptyDict(): this { return this.raw(0x7d); }
  setItems(): this { return this.raw(0x75); }
  reduce(): this { return this.raw(0x52); }
  newObj(): this { return this.raw(0x81); }
  build(): this { return this.raw(0x62); }
  binPersId(): this { return this.raw(0x51); }
  put(): this { return this.raw(0x71, this.memo++); }
  stop(): this { return this.raw(0x2e); }
  raw(...bytes: number[]): this {
    this.chunks.push(...bytes);
    return this;
  }
  bytes(): Uint8Array { return Uint8Array.from(this.chunks); }
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
function i32(value: number): number[] {
  return u32(value >>> 0);
}

/** A tensor of a state dict for torchFile: float32 or float16 values, optionally a strided view. */
export interface TestTensor {
  name: string;
  storageType: 'FloatStorage' | 'HalfStorage' | 'LongStorage';
  /** The storage's raw little-endian bytes. */
  storage: Uint8Array;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** The data.pkl of `torch.save({'model': OrderedDict(tensors), 'epoch': epoch})` at protocol 2. */
export function stateDictPickle(tensors: TestTensor[], epoch: number): Uint8Array {
  const pickle = new PickleWriter().proto(2).emptyDict().put().mark();
  pickle.unicode('model').global('collections', 'OrderedDict').emptyTuple().reduce().put().mark();
  tensors.forEach((tensor, key) => {
    pickle.unicode(tensor.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    // persistent id ('storage', torch.<Type>, key, 'cpu', numel)
    pickle.mark().unicode('storage').global('torch', tensor.storageType).unicode(String(key)).unicode('cpu').int(tensor.numel).tuple().binPersId();
    pickle.int(tensor.offset);
    pickle.mark(); for (const size of tensor.shape) pickle.int(size); pickle.tuple();
    pickle.mark(); for (const step of tensor.stride) pickle.int(step); pickle.tuple();
    pickle.bool(false).global('collections', 'OrderedDict').emptyTuple().reduce();
    pickle.tuple().reduce();
  });
  pickle.setItems();
  pickle.unicode('epoch').int(epoch);
  return pickle.setItems().stop().bytes();
}

/** A zip of stored entries, as torch.save writes (`archive/data.pkl`, `archive/data/<key>`, ...). */
export function zipStored(entries: Record<string, Uint8Array>): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  let count = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBytes = text.encode(name);
    const offset = local.length;
    const header = [...u32(0x04034b50), 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0), ...u32(data.length), ...u32(data.length), nameBytes.length & 0xff, nameBytes.length >> 8, 0, 0];
    local.push(...header, ...nameBytes, ...data);
    central.push(...u32(0x02014b50), 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0), ...u32(data.length), ...u32(data.length),
      nameBytes.length & 0xff, nameBytes.length >> 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32(offset), ...nameBytes);
    count++;
  }
  const end = [...u32(0x06054b50), 0, 0, 0, 0, count & 0xff, count >> 8, count & 0xff, count >> 8, ...u32(central.length), ...u32(local.length), 0, 0];
  return Uint8Array.from([...local, ...central, ...end]);
}

/** A torch.save file of `pickle` with the given storages (`archive/data/<index>`). */
export function torchFile(pickle: Uint8Array, storages: Uint8Array[] = []): Uint8Array {
  const entries: Record<string, Uint8Array> = { 'archive/data.pkl': pickle };
  storages.forEach((storage, index) => (entries[`archive/data/${index}`] = storage));
  entries['archive/version'] = text.encode('3\n');
  return zipStored(entries);
}

/** `os.system(command)` as pickle writes it: the canonical malicious pickle. */
export function osSystemPickle(command: string): Uint8Array {
  return new PickleWriter().proto(2).global('os', 'system').unicode(command).raw(0x85).reduce().stop().bytes();
}
