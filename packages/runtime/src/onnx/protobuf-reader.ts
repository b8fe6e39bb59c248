// The smallest protobuf decoder a graph-to-graph pass needs (protobuf.ts writes, this reads): a message split into
// its fields in wire order, each with its decoded value and its raw bytes, so a pass can rewrite the fields it
// understands and copy every other field through byte for byte.

/** One field of a message as it lies on the wire. */
export interface ProtoField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: number;
  /** Varints as bigint (int64 survives), fixed32 / fixed64 as their bytes, length-delimited fields as their payload. */
  value: bigint | Uint8Array;
  /** The whole field, tag included: what re-encoding an untouched field copies. */
  raw: Uint8Array;
}

function readVarint(bytes: Uint8Array, start: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  for (let at = start; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, end: at + 1 };
    shift += 7n;
  }
  throw new RangeError(`protobuf: a varint runs past the end of the message (at byte ${start})`);
}

/** The fields of one message, in the order they are written. Throws RangeError on a truncated or unknown wire type. */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = readVarint(bytes, at);
    at = tag.end;
    const field = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    let value: bigint | Uint8Array;
    if (wire === 0) {
      const read = readVarint(bytes, at);
      value = read.value;
      at = read.end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      value = bytes.subarray(at, at + size);
      at += size;
    } else if (wire === 2) {
      const length = readVarint(bytes, at);
      at = length.end + Number(length.value);
      value = bytes.subarray(length.end, at);
    } else {
      throw new RangeError(`protobuf: wire type ${wire} of field ${field} at byte ${start} is not read here`);
    }
    if (at > bytes.length) throw new RangeError(`protobuf: field ${field} at byte ${start} runs past the end of the message`);
    fields.push({ field, wire, value, raw: bytes.subarray(start, at) });
  }
  return fields;
}

const textDecoder = new TextDecoder();

/** A length-delimited field's payload as UTF-8 text. */
export function fieldText(field: ProtoField): string {
  return textDecoder.decode(fieldBytes(field));
}

/** A length-delimited field's payload. */
export function fieldBytes(field: ProtoField): Uint8Array {
  if (!(field.value instanceof Uint8Array) || field.wire !== 2) throw new RangeError(`protobuf: field ${field.field} is not length-delimited`);
  return field.value;
}

/** A varint field's value as a number (int64 values in the safe range; negative ones sign-restored). */
export function fieldInt(field: ProtoField): number {
  if (typeof field.value !== 'bigint') throw new RangeError(`protobuf: field ${field.field} is not a varint`);
  return Number(BigInt.asIntN(64, field.value));
}
