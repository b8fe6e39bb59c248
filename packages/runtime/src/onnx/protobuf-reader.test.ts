import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf.ts';
import { fieldBytes, fieldInt, fieldText, readFields } from './protobuf-reader.ts';

describe('readFields', () => {
  it('reads back what ProtoWriter writes, in order, with raw bytes that re-encode the message unchanged', () => {
    const inner = new ProtoWriter().string(1, 'weight').varint(2, 7);
    const bytes = new ProtoWriter().varint(1, -3).float(2, 0.5).string(3, 'Gemm').message(4, inner).varint(5, 2 ** 40).finish();
    const fields = readFields(bytes);
    expect(fields.map((field) => [field.field, field.wire])).toEqual([[1, 0], [2, 5], [3, 2], [4, 2], [5, 0]]);
    expect(fieldInt(fields[0]!)).toBe(-3);
    expect(fieldText(fields[2]!)).toBe('Gemm');
    expect(fieldInt(fields[4]!)).toBe(2 ** 40);
    const nested = readFields(fieldBytes(fields[3]!));
    expect([fieldText(nested[0]!), fieldInt(nested[1]!)]).toEqual(['weight', 7]);
    const copy = new ProtoWriter();
    for (const field of fields) copy.raw(field.raw);
    expect([...copy.finish()]).toEqual([...bytes]);
  });

  it('refuses a truncated message', () => {
    const bytes = new ProtoWriter().string(1, 'truncated').finish();
    expect(() => readFields(bytes.subarray(0, bytes.length - 2))).toThrow(RangeError);
  });
});
