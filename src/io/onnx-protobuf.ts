/**
 * A minimal protocol-buffers encoder, enough to write ONNX models: varints,
 * fixed32 floats, length-delimited strings, bytes and nested messages.
 *
 * A message is built as a list of byte chunks plus a running length, so a
 * large payload (a weight tensor's raw_data) is referenced, not copied, until
 * `finish()` concatenates everything once into the final buffer.
 */

/** Protobuf wire types. */
const VARINT = 0;
const FIXED32 = 5;
const LEN = 2;

const encoder = new TextEncoder();

/** Appends the varint encoding of a non-negative safe integer or any int64 (as bigint; negatives are two's complement). */
function varintBytes(value: number | bigint): Uint8Array {
  let v: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf varint needs a safe integer, got ${value}`);
    if (value >= 0 && value < 0x80) return Uint8Array.of(value);
    v = BigInt(value);
  } else {
    v = value;
  }
  if (v < -(1n << 63n) || v >= 1n << 64n) throw new RangeError(`protobuf varint out of 64-bit range: ${v}`);
  v = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.len += bytes.length;
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff)
      throw new RangeError(`bad protobuf field number ${field}`);
    this.push(varintBytes(field * 8 + wireType));
  }

  /** An int32/int64/enum/bool field (varint). */
  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.push(varintBytes(value));
    return this;
  }

  /** A repeated int64 field, written unpacked (the proto2 default for ONNX's `repeated int64`). */
  ints(field: number, values: Iterable<number | bigint>): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A repeated float field, written unpacked. */
  floats(field: number, values: Iterable<number>): this {
    for (const v of values) this.float(field, v);
    return this;
  }

  /** A bytes field; the array is referenced until finish(), so do not modify it before then. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LEN);
    this.push(varintBytes(value.length));
    if (value.length) this.push(value);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** A nested message field, built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    build(sub);
    this.tag(field, LEN);
    this.push(varintBytes(sub.len));
    for (const c of sub.chunks) this.push(c);
    return this;
  }

  /** The encoded message as one contiguous buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
