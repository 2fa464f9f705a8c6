/**
 * MNIST-style IDX files (optionally gzipped): a big-endian header with the
 * element type and dimensions, then the values. Fashion-MNIST and MNIST ship
 * their images as idx3-ubyte and labels as idx1-ubyte.
 */
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { DatasetError } from '../dataset.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an unsigned-byte IDX array; the header must account for every byte. */
export function parseIdx(bytes: Uint8Array, where: string): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0)
    throw new DatasetError(`${where}: not an IDX file (bad magic number)`);
  if (raw[2] !== 0x08)
    throw new DatasetError(`${where}: IDX element type 0x${raw[2].toString(16)} is not unsigned byte`);
  const rank = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4 + 4 * rank) throw new DatasetError(`${where}: truncated IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((p, d) => p * d, 1);
  const start = 4 + 4 * rank;
  if (raw.length - start !== count) {
    throw new DatasetError(
      `${where}: IDX header promises ${count} values [${dims.join(', ')}] but the file holds ${raw.length - start}`,
    );
  }
  return { dims, data: raw.subarray(start) };
}

export async function readIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(new Uint8Array(await readFile(path)), path);
}
