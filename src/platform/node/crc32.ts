/** zlib's CRC-32 (Node ≥ 20.15), undefined on older Node. */
import * as zlib from 'node:zlib';

export const nativeCrc32: ((data: Uint8Array, previous?: number) => number) | undefined = (
  zlib as { crc32?: (data: Uint8Array, previous?: number) => number }
).crc32;
