/** Shared by the data tests: small dataset files written on the spot (IDX, CIFAR-10 batches, tar archives). */
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '../../src/tensor/rng.js';

/** A gzipped unsigned-byte IDX file. */
export function idxFile(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return gzipSync(Buffer.concat([header, data]));
}

/** CIFAR-10 binary records: for each label, the label byte then the 3072 pixel bytes `pixels(record, offset)`. */
export function cifarRecords(labels: number[], pixels: (record: number, offset: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let o = 0; o < 3072; o++) out[r * 3073 + 1 + o] = pixels(r, o);
  });
  return out;
}

/**
 * A learnable CIFAR-like folder (cifar-10-batches-bin): class k is a bright 12×12 square in
 * quadrant k div 3 of colour channel k mod 3, on noise. `perBatch` records in each of the
 * five training batches, `testCount` in the test batch.
 */
export function writeSyntheticCifar(dir: string, perBatch: number, testCount: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const g = new Generator(seed);
  const batch = (n: number): Uint8Array => {
    const labels = Array.from({ length: n }, () => g.randint(10));
    return cifarRecords(labels, (r, o) => {
      const k = labels[r];
      const channel = Math.floor(o / 1024);
      const quadrant = Math.floor(k / 3);
      const row = Math.floor((o % 1024) / 32) - 16 * (quadrant >> 1) - 2;
      const col = (o % 32) - 16 * (quadrant & 1) - 2;
      const inSquare = channel === k % 3 && row >= 0 && row < 12 && col >= 0 && col < 12;
      return Math.min(255, g.randint(70) + (inSquare ? 170 : 0));
    });
  };
  for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), batch(perBatch));
  writeFileSync(join(dir, 'test_batch.bin'), batch(testCount));
}

export interface TarEntry {
  name: string;
  /** '0' file (default), '5' folder, '1' hard link, '2' symlink, 'L' GNU long name… */
  type?: string;
  data?: Uint8Array;
  linkName?: string;
  /** Size written in the header, when it should lie about the data. */
  claimedSize?: number;
  prefix?: string;
}

/** A ustar archive (POSIX "ustar\0" "00" headers with correct checksums), ending with two zero blocks. */
export function tarArchive(entries: TarEntry[], { end = true } = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  const put = (h: Uint8Array, at: number, text: string): void => {
    h.set(new TextEncoder().encode(text), at);
  };
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const h = new Uint8Array(512);
    put(h, 0, e.name);
    put(h, 100, '0000644\0');
    put(h, 108, '0000000\0');
    put(h, 116, '0000000\0');
    put(h, 124, `${(e.claimedSize ?? data.length).toString(8).padStart(11, '0')}\0`);
    put(h, 136, '00000000000\0');
    put(h, 156, e.type ?? '0');
    if (e.linkName) put(h, 157, e.linkName);
    put(h, 257, 'ustar\0');
    put(h, 263, '00');
    if (e.prefix) put(h, 345, e.prefix);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    put(h, 148, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(h, data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) blocks.push(new Uint8Array(pad));
  }
  if (end) blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

/** Yields `bytes` in chunks of `size`, as a file or gunzip stream would. */
export async function* chunks(bytes: Uint8Array, size = 700): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
