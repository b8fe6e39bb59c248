// The smallest protobuf encoder the ONNX writer needs: varints (int64 included, negative values as 10-byte two's
// complement), 32-bit floats, length-delimited bytes / strings / nested messages. Repeated scalars are written
// unpacked, one tag per value: onnx.proto is proto2, where that is the canonical encoding every parser accepts.
// A message is collected as chunks and copied once, in `finish()`.

/** Protobuf wire types used here. */
const Wire = { Varint: 0, LengthDelimited: 2, Fixed32: 5 } as const;
type WireType = (typeof Wire)[keyof typeof Wire];

const textEncoder = new TextEncoder();

/** Accumulates one protobuf message, field by field, in the order written. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private byteLength = 0;

  /** A varint field (int32 / int64 / enum / bool); negative numbers are sign-extended to 64 bits as protobuf does. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, Wire.Varint);
    this.push(encodeVarint(value));
    return this;
  }

  /** A 32-bit float field (ONNX AttributeProto.f). */
  float(field: number, value: number): this {
    this.tag(field, Wire.Fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, Wire.LengthDelimited);
    this.push(encodeVarint(data.length));
    this.push(data);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, text: string): this {
    return this.bytes(field, textEncoder.encode(text));
  }

  /** A nested message field. */
  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  /** Bytes that are already whole encoded fields (tag included), copied as they are: a pass's untouched fields. */
  raw(fields: Uint8Array): this {
    this.push(fields);
    return this;
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(field: number, wire: WireType): void {
    this.push(encodeVarint(field * 8 + wire));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.byteLength += chunk.length;
  }
}

/** The varint bytes of a whole number (negative ones as their unsigned 64-bit two's complement). */
export function encodeVarint(value: number | bigint): Uint8Array {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`varint: ${value} is not a safe integer`);
    if (value < 0) return encodeVarint(BigInt(value));
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    return Uint8Array.from(bytes);
  }
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Uint8Array.from(bytes);
}
