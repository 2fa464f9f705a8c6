/** Browsers have no CRC-32 built in: io/crc32.ts uses its slicing-by-8 tables. */
import type * as node from '../node/crc32.js';

export const nativeCrc32: typeof node.nativeCrc32 = undefined;
