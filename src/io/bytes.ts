/**
 * Bounds-checked little-endian reads over a Uint8Array. Every read states
 * what it is for, so a truncated or corrupt file produces an error that names
 * the field instead of a RangeError from DataView (or, worse, silently
 * reading zeros past the end of a subarray).
 */

export type ErrorFactory = (message: string, offset: number) => Error;

export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly fail: ErrorFactory;

  constructor(bytes: Uint8Array, fail: ErrorFactory) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.fail = fail;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless [offset, offset + len) lies inside the buffer. */
  need(offset: number, len: number, what: string): void {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(len) ||
      offset < 0 ||
      len < 0 ||
      offset + len > this.bytes.length
    ) {
      throw this.fail(`${what} (${len} bytes) runs past the end of the data (${this.bytes.length} bytes)`, offset);
    }
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.bytes[offset];
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  i32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getInt32(offset, true);
  }

  /** Unsigned 64-bit value; values beyond 2^53 - 1 are rejected since no buffer can be that large. */
  u64(offset: number, what: string): number {
    this.need(offset, 8, what);
    const v = this.view.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`${what} is implausibly large (${v})`, offset);
    return Number(v);
  }

  /** Signed 64-bit value as bigint (callers decide what range is acceptable). */
  i64(offset: number, what: string): bigint {
    this.need(offset, 8, what);
    return this.view.getBigInt64(offset, true);
  }

  f64be(offset: number, what: string): number {
    this.need(offset, 8, what);
    return this.view.getFloat64(offset, false);
  }

  slice(offset: number, len: number, what: string): Uint8Array {
    this.need(offset, len, what);
    return this.bytes.subarray(offset, offset + len);
  }
}

/** Little-endian writes into a preallocated buffer. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(v: number): void {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  u16(v: number): void {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  u64(v: number): void {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
  }

  raw(data: Uint8Array): void {
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }

  fill(value: number, count: number): void {
    this.bytes.fill(value, this.pos, this.pos + count);
    this.pos += count;
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decoding; returns undefined on malformed input so callers can raise their own error. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodeLatin1(bytes: Uint8Array): string {
  // TextDecoder('latin1') is really windows-1252; map bytes 1:1 instead to be exact.
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

export const utf8Encoder = new TextEncoder();
