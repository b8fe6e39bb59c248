// The inert pickle reader and the torch.save reader on pickles built byte by byte (test-torch-file.ts): malicious
// globals are refused before anything happens, state dicts and unknown classes are read without calling anything.
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickleFormatError, PickleRefusedError, PyDict, PyObject, readPickle } from './pickle.ts';
import { osSystemPickle, PickleWriter, stateDictPickle, torchFile } from './test-torch-file.ts';
import { readTorchFile, recordFields, TorchTensor } from './torch-checkpoint.ts';

function floats(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

describe('readPickle', () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'vadc-pickle-')), 'pwned');

  it('refuses os.system + REDUCE, and nothing runs', () => {
    expect(() => readPickle(osSystemPickle(`touch ${marker}`))).toThrow(PickleRefusedError);
    expect(() => readPickle(osSystemPickle(`touch ${marker}`))).toThrow(/os\.system.*refused, nothing was executed/);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['builtins', 'eval'], ['builtins', 'exec'], ['builtins', 'getattr'], ['builtins', '__import__'], ['__builtin__', 'eval'],
    ['posix', 'system'], ['nt', 'system'], ['subprocess', 'Popen'], ['subprocess', 'check_output'], ['sys', 'modules'],
    ['importlib', 'import_module'], ['shutil', 'rmtree'], ['socket', 'socket'], ['pickle', 'loads'], ['_pickle', 'loads'],
    ['codecs', 'open'], ['_codecs', 'encode'], ['runpy', 'run_path'], ['os.path', 'join'], ['torch.hub', 'load'],
    ['torch.serialization', 'load'], ['numpy.testing', 'run'], ['collections', '__getattribute__'],
  ])('refuses %s.%s as GLOBAL and as STACK_GLOBAL', (module, name) => {
    const viaGlobal = new PickleWriter().proto(2).global(module, name).unicode('x').raw(0x85).reduce().stop().bytes();
    const viaStack = new PickleWriter().proto(4).stackGlobal(module, name).unicode('x').raw(0x85).reduce().stop().bytes();
    expect(() => readPickle(viaGlobal)).toThrow(PickleRefusedError);
    expect(() => readPickle(viaStack)).toThrow(PickleRefusedError);
  });

  it('refuses a dangerous global even when it is never called (a torch file with it in its args)', () => {
    const pickle = new PickleWriter().proto(2).emptyDict().unicode('args').global('subprocess', 'Popen').raw(0x73).stop().bytes();
    expect(() => readTorchFile(torchFile(pickle), 'evil.pth')).toThrow(/evil\.pth .*subprocess\.Popen/);
  });

  it('reads any other class as an inert record: its name, arguments and state', () => {
    const pickle = new PickleWriter().proto(2)
      .global('argparse', 'Namespace').emptyTuple().newObj()
      .emptyDict().mark().unicode('input_size').int(160).int(320).raw(0x86).unicode('dataset').unicode('shanghai').setItems().build()
      .stop().bytes();
    const value = readPickle(pickle);
    expect(value).toBeInstanceOf(PyObject);
    expect((value as PyObject).type.qualified).toBe('argparse.Namespace');
    expect(Object.fromEntries(recordFields(value))).toEqual({ input_size: [160, 320], dataset: 'shanghai' });
  });

  it('names what is wrong with a broken pickle', () => {
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x4a, 1]))).toThrow(PickleFormatError);
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0xff]))).toThrow(/unknown opcode 0xff/);
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x68, 9, 0x2e]))).toThrow(/memo 9/);
  });
});

describe('readTorchFile', () => {
  it('rebuilds float32, float16 and strided tensors of a state dict from their storages', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer); // 1, -2, 0.5
    const pickle = stateDictPickle([
      { name: 'a.weight', storageType: 'FloatStorage', storage: floats([1, 2, 3, 4, 5, 6]), numel: 6, offset: 0, shape: [2, 3], stride: [3, 1] },
      // The transpose of a, a view of the same layout: stride (1, 3).
      { name: 'a.t', storageType: 'FloatStorage', storage: floats([1, 2, 3, 4, 5, 6]), numel: 6, offset: 0, shape: [3, 2], stride: [1, 3] },
      { name: 'b.half', storageType: 'HalfStorage', storage: half, numel: 3, offset: 1, shape: [2], stride: [1] },
      { name: 'steps', storageType: 'LongStorage', storage: new Uint8Array(new BigInt64Array([123n]).buffer), numel: 1, offset: 0, shape: [], stride: [] },
    ], 41);
    const file = torchFile(pickle, [floats([1, 2, 3, 4, 5, 6]), floats([1, 2, 3, 4, 5, 6]), half, new Uint8Array(new BigInt64Array([123n]).buffer)]);
    const root = readTorchFile(file, 'ok.pth') as PyDict;
    expect(root.get('epoch')).toBe(41);
    const model = root.get('model') as PyDict;
    const tensor = (name: string) => model.get(name) as TorchTensor;
    expect(tensor('a.weight').shape).toEqual([2, 3]);
    expect(Array.from(tensor('a.weight').toFloat32())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(tensor('a.t').toFloat32())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(tensor('b.half').toFloat32())).toEqual([-2, 0.5]);
    expect(Array.from(tensor('steps').toFloat32())).toEqual([123]);
  });

  it('refuses a tensor that reads past its storage before allocating it', () => {
    const pickle = stateDictPickle([{ name: 'huge', storageType: 'FloatStorage', storage: floats([1, 2]), numel: 2, offset: 0, shape: [1_000_000_000], stride: [1] }], 1);
    const root = readTorchFile(torchFile(pickle, [floats([1, 2])]), 'huge.pth') as PyDict;
    expect(() => ((root.get('model') as PyDict).get('huge') as TorchTensor).toFloat32()).toThrow(/holds 2 values; a 1000000000 tensor .* reads past it/);
  });

  it('reads a record whose list contains itself without recursing forever', () => {
    // args = Namespace(); args.__dict__ = {'loop': L} where L = [L]
    const pickle = new PickleWriter().proto(2).global('argparse', 'Namespace').emptyTuple().newObj()
      .emptyDict().unicode('loop').raw(0x5d).put().raw(0x68, 0).raw(0x61).raw(0x73).build().stop().bytes();
    expect(recordFields(readPickle(pickle)).has('loop')).toBe(true);
  });

  it('says when a file is not a torch.save zip', () => {
    expect(() => readTorchFile(new Uint8Array(100), 'old.pth')).toThrow(/old\.pth is not a readable zip archive/);
  });
});
