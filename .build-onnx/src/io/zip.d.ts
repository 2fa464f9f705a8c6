export interface ZipReadOptions {
    /** Inflate DEFLATE entries (default true). When false they are refused with a ZipError. */
    allowDeflate?: boolean;
    /** Verify CRC-32 of each entry the first time its data is read (default true). */
    checkCrc?: boolean;
    /** Largest uncompressed entry accepted for DEFLATE entries, in bytes (default 2 GiB - 1). */
    maxInflatedSize?: number;
}
export declare class ZipEntry {
    private readonly source;
    readonly name: string;
    readonly method: number;
    readonly crc32: number;
    readonly compressedSize: number;
    readonly size: number;
    /** Offset of the entry's (possibly compressed) data in the archive. */
    readonly dataOffset: number;
    private readonly opts;
    private cached;
    constructor(source: Uint8Array, name: string, method: number, crc32: number, compressedSize: number, size: number, 
    /** Offset of the entry's (possibly compressed) data in the archive. */
    dataOffset: number, opts: Required<ZipReadOptions>);
    /**
     * The entry's uncompressed bytes. STORED entries are returned as a view of
     * the archive buffer (no copy). Validated (size, CRC) on first access.
     */
    data(): Uint8Array;
    private inflate;
}
/**
 * Parses the archive's directory and local headers and returns its entries by
 * name. Entry data is checked and produced lazily by `entry.data()`.
 */
export declare function readZip(bytes: Uint8Array, options?: ZipReadOptions): Map<string, ZipEntry>;
export interface ZipWriteEntry {
    name: string;
    data: Uint8Array;
}
export interface ZipWriteOptions {
    /** Align each entry's data to this many bytes (default 64, as PyTorch does). */
    align?: number;
    /** Write zip64 records even when nothing needs them (for tests and interoperability checks). */
    forceZip64?: boolean;
}
/**
 * Writes STORED entries. Each local header carries an extra field with id "FB"
 * filled with 'Z' padding (PyTorch's convention) so the data starts on an
 * `align`-byte boundary.
 */
export declare function writeZip(entries: Iterable<ZipWriteEntry>, options?: ZipWriteOptions): Uint8Array;
