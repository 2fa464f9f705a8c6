/** Raw DEFLATE (zip method 8) by zlib. */
import * as zlib from 'node:zlib';

/** Inflates `raw`; zlib throws as soon as the output would pass `maxOutputLength`. */
export function inflateRawSync(raw: Uint8Array, maxOutputLength: number): Uint8Array {
  return zlib.inflateRawSync(raw, { maxOutputLength });
}
