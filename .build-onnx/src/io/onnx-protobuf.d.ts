/**
 * A minimal protocol-buffers encoder, enough to write ONNX models: varints,
 * fixed32 floats, length-delimited strings, bytes and nested messages.
 *
 * A message is built as a list of byte chunks plus a running length, so a
 * large payload (a weight tensor's raw_data) is referenced, not copied, until
 * `finish()` concatenates everything once into the final buffer.
 */
export declare class ProtoWriter {
    private readonly chunks;
    private len;
    /** Bytes written so far. */
    get length(): number;
    private push;
    private tag;
    /** An int32/int64/enum/bool field (varint). */
    int(field: number, value: number | bigint): this;
    /** A repeated int64 field, written unpacked (the proto2 default for ONNX's `repeated int64`). */
    ints(field: number, values: Iterable<number | bigint>): this;
    /** A float field (fixed32, little-endian). */
    float(field: number, value: number): this;
    /** A repeated float field, written unpacked. */
    floats(field: number, values: Iterable<number>): this;
    /** A bytes field; the array is referenced until finish(), so do not modify it before then. */
    bytes(field: number, value: Uint8Array): this;
    /** A UTF-8 string field. */
    string(field: number, value: string): this;
    /** A nested message field, built by `build` on a fresh writer. */
    message(field: number, build: (w: ProtoWriter) => void): this;
    /** The encoded message as one contiguous buffer. */
    finish(): Uint8Array;
}
