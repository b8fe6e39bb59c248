import { describe, it, expect } from 'vitest';
import { deflateSync } from 'node:zlib';
import { maskToMat, matToMask, readMat, writeMat, type MatValue } from './mat.ts';

const mask = Uint8Array.from([0, 1, 1, 0, 0, 1]); // 2 x 3, row-major

describe('MAT v5', () => {
  it('stores masks column-major and reads them back row-major', () => {
    const value = maskToMat(mask, 2, 3);
    expect(value.kind === 'numeric' && Array.from(value.data as Uint8Array)).toEqual([0, 0, 1, 0, 1, 1]);
    expect(matToMask(value)).toEqual({ height: 2, width: 3, mask });
  });

  it.each([false, true])('round-trips a volLabel cell array (compressed: %s)', (compress) => {
    const volLabel: MatValue = { kind: 'cell', dims: [1, 2], cells: [maskToMat(mask, 2, 3), maskToMat(new Uint8Array(6), 2, 3)] };
    const scalars: MatValue = { kind: 'numeric', className: 'double', logical: false, dims: [1, 3], data: Float64Array.from([1.5, -2, 3]) };
    const bytes = writeMat({ volLabel, scalars, note: { kind: 'char', dims: [1, 2], text: 'hi' } }, { compress });
    const variables = readMat(bytes);
    expect([...variables.keys()]).toEqual(['volLabel', 'scalars', 'note']);
    const read = variables.get('volLabel')!;
    expect(read.kind).toBe('cell');
    if (read.kind !== 'cell') return;
    expect(read.cells).toHaveLength(2);
    expect(read.cells[0]).toMatchObject({ kind: 'numeric', logical: true, dims: [2, 3] });
    expect(matToMask(read.cells[0]!).mask).toEqual(mask);
    expect(variables.get('scalars')).toMatchObject({ dims: [1, 3], data: Float64Array.from([1.5, -2, 3]) });
    expect(variables.get('note')).toMatchObject({ kind: 'char', text: 'hi' });
  });

  it('reads a struct and small data elements from hand-assembled bytes', () => {
    // s.a = uint8 7 (small element: type and size packed in one word), inside a compressed element.
    const element = (type: number, body: number[]): number[] => {
      const padded = [...body, ...new Array((8 - (body.length % 8)) % 8).fill(0)];
      return [...u32(type), ...u32(body.length), ...padded];
    };
    const u32 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
    const small = (type: number, body: number[]): number[] => [...u32(type | (body.length << 16)), ...body, ...new Array(4 - body.length).fill(0)];
    const field = element(14, [...element(6, [...u32(9), ...u32(0)]), ...element(5, [...u32(1), ...u32(1)]), ...element(1, []), ...small(2, [7])]);
    const struct = element(14, [
      ...element(6, [...u32(2), ...u32(0)]), ...element(5, [...u32(1), ...u32(1)]), ...small(1, [115]),
      ...small(5, [2, 0, 0, 0]), ...element(1, [97, 0]), ...field,
    ]);
    const compressed = deflateSync(Uint8Array.from(struct));
    const header = new Uint8Array(128);
    header.set([0, 1, 0x49, 0x4d], 124);
    const bytes = Uint8Array.from([...header, ...u32(15), ...u32(compressed.length), ...compressed]);
    const s = readMat(bytes).get('s');
    expect(s).toMatchObject({ kind: 'struct', fields: ['a'] });
    expect(s?.kind === 'struct' && s.elements[0]!['a']).toMatchObject({ kind: 'numeric', className: 'uint8', data: Uint8Array.from([7]) });
  });

  it('rejects v7.3, truncated and corrupt files with BAD_MAT', () => {
    const v73 = new Uint8Array(200);
    v73.set(new TextEncoder().encode('MATLAB 7.3 MAT-file'));
    expect(() => readMat(v73)).toThrow(expect.objectContaining({ code: 'BAD_MAT' }));
    const bytes = writeMat({ volLabel: maskToMat(mask, 2, 3) });
    expect(() => readMat(bytes.subarray(0, bytes.length - 9))).toThrow(expect.objectContaining({ code: 'BAD_MAT' }));
    const compressed = writeMat({ volLabel: maskToMat(mask, 2, 3) }, { compress: true });
    compressed[140] = compressed[140]! ^ 0xff;
    expect(() => readMat(compressed)).toThrow(expect.objectContaining({ code: 'BAD_MAT' }));
  });
});
