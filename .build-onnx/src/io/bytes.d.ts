/**
 * Bounds-checked little-endian reads over a Uint8Array. Every read states
 * what it is for, so a truncated or corrupt file produces an error that names
 * the field instead of a RangeError from DataView (or, worse, silently
 * reading zeros past the end of a subarray).
 */
export type ErrorFactory = (message: string, offset: number) => Error;
export declare class ByteReader {
    readonly bytes: Uint8Array;
    private readonly view;
    private readonly fail;
    constructor(bytes: Uint8Array, fail: ErrorFactory);
    get length(): number;
    /** Throws unless [offset, offset + len) lies inside the buffer. */
    need(offset: number, len: number, what: string): void;
    u8(offset: number, what: string): number;
    u16(offset: number, what: string): number;
    u32(offset: number, what: string): number;
    i32(offset: number, what: string): number;
    /** Unsigned 64-bit value; values beyond 2^53 - 1 are rejected since no buffer can be that large. */
    u64(offset: number, what: string): number;
    /** Signed 64-bit value as bigint (callers decide what range is acceptable). */
    i64(offset: number, what: string): bigint;
    f64be(offset: number, what: string): number;
    slice(offset: number, len: number, what: string): Uint8Array;
}
/** Little-endian writes into a preallocated buffer. */
export declare class ByteWriter {
    readonly bytes: Uint8Array;
    private readonly view;
    pos: number;
    constructor(size: number);
    u8(v: number): void;
    u16(v: number): void;
    u32(v: number): void;
    u64(v: number): void;
    raw(data: Uint8Array): void;
    fill(value: number, count: number): void;
}
/** Strict UTF-8 decoding; returns undefined on malformed input so callers can raise their own error. */
export declare function decodeUtf8(bytes: Uint8Array): string | undefined;
export declare function decodeLatin1(bytes: Uint8Array): string;
export declare const utf8Encoder: import("util").TextEncoder;
