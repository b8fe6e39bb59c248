import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy, writeNpy } from './npy.ts';

// Files written by numpy 2.4 `np.save` (base64), so the parser is checked against the real writer.
const NUMPY = {
  f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/AACgvwAAQEBvEoM6AAAAQAAAAIA=',
  f8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAALAfcOUJa1JslQ=',
  u1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoA/wcB',
  i1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABX8=',
  b1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  i4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr7////cBEBAA==',
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr9/////////wAAAAAAAQAA',
  // np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQQAAgEAAAIBBAAAAQQAAoEEAAIA/AABQQQAAoEAAAIhBAAAQQQAAqEEAAABAAABgQQAAwEAAAJBBAAAgQQAAsEEAAEBAAABwQQAA4EAAAJhBAAAwQQAAuEE=',
  scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA',
  bigEndian: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQAAAAA==',
};
const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof NpyError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('parseNpy', () => {
  it('reads every supported dtype as numpy wrote it', () => {
    const f4 = parseNpy(bytesOf(NUMPY.f4));
    expect(f4.shape).toEqual([2, 3]);
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f4.data)).toEqual([0.5, -1.25, 3, Math.fround(0.001), 2, -0]);
    expect(parseNpy(bytesOf(NUMPY.f8))).toEqual({ shape: [3], dtype: 'f8', data: Float64Array.from([1.5, -2.25, 1e100]) });
    expect(parseNpy(bytesOf(NUMPY.u1))).toEqual({ shape: [2, 2], dtype: 'u1', data: Uint8Array.from([0, 255, 7, 1]) });
    expect(parseNpy(bytesOf(NUMPY.i1))).toEqual({ shape: [3], dtype: 'i1', data: Int8Array.from([-128, 5, 127]) });
    expect(parseNpy(bytesOf(NUMPY.b1))).toEqual({ shape: [3], dtype: 'b1', data: Uint8Array.from([1, 0, 1]) });
    expect(parseNpy(bytesOf(NUMPY.i4))).toEqual({ shape: [1, 2], dtype: 'i4', data: Int32Array.from([-5, 70000]) });
    expect(parseNpy(bytesOf(NUMPY.i8))).toEqual({ shape: [2], dtype: 'i8', data: Float64Array.from([-3, 2 ** 40]) });
    expect(parseNpy(bytesOf(NUMPY.scalar))).toEqual({ shape: [], dtype: 'f4', data: Float32Array.from([3.5]) });
  });

  it('returns Fortran-order data in C order', () => {
    const array = parseNpy(bytesOf(NUMPY.fortran));
    expect(array.shape).toEqual([2, 3, 4]);
    expect(Array.from(array.data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('reads from a view that does not start at offset 0', () => {
    const file = bytesOf(NUMPY.f4);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data)).toEqual(Array.from(parseNpy(file).data));
  });

  it('rejects bad magic, big-endian floats, truncated data and broken headers with codes', () => {
    expect(codeOf(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])))).toBe('NPY_BAD_MAGIC');
    expect(codeOf(() => parseNpy(bytesOf(NUMPY.bigEndian)))).toBe('NPY_UNSUPPORTED_DTYPE');
    const file = bytesOf(NUMPY.f4);
    expect(codeOf(() => parseNpy(file.subarray(0, file.length - 1)))).toBe('NPY_TRUNCATED');
    const broken = file.slice();
    broken[20] = 'X'.charCodeAt(0); // inside 'descr'
    expect(codeOf(() => parseNpy(broken))).toBe('NPY_BAD_HEADER');
  });
});

describe('writeNpy', () => {
  it('writes exactly what numpy writes, and round-trips uint8', () => {
    const written = writeNpy({ shape: [2, 3], dtype: 'f4', data: [0.5, -1.25, 3, 0.001, 2, -0] });
    expect(Array.from(written)).toEqual(Array.from(bytesOf(NUMPY.f4)));
    expect(Array.from(writeNpy({ shape: [2, 2], dtype: 'u1', data: [0, 255, 7, 1] }))).toEqual(Array.from(bytesOf(NUMPY.u1)));
    const masks = writeNpy({ shape: [2, 1, 3], dtype: 'u1', data: [1, 0, 0, 0, 1, 1] });
    expect(parseNpy(masks)).toEqual({ shape: [2, 1, 3], dtype: 'u1', data: Uint8Array.from([1, 0, 0, 0, 1, 1]) });
    expect(() => writeNpy({ shape: [2], dtype: 'u1', data: [1] })).toThrow(NpyError);
  });
});
