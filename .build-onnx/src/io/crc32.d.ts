/**
 * CRC-32 (IEEE 802.3, as used by ZIP). Node 20 has no zlib.crc32, so this is
 * a table-driven "slicing-by-8" implementation: eight lookup tables let the
 * loop consume 8 bytes per iteration, which matters for checkpoints of
 * hundreds of megabytes.
 */
/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export declare function crc32(data: Uint8Array, previous?: number): number;
