/** Shared by the image tests: fixture paths and the expected values written by test/fixtures/images/generate.py. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Tensor } from '../../src/tensor/tensor.js';
import { repoRoot } from './paths.js';

export const imagePath = (name: string): string => join(repoRoot, 'test', 'fixtures', 'images', name);

export interface Expected {
  shape: number[];
  /** U8 tensors as bytes; F32 tensors as float32. */
  data: Uint8Array | Float32Array;
}

let cache: Map<string, Expected> | undefined;

/** All tensors of expected.safetensors.gz (a gzipped safetensors file), by name. */
export function expected(): Map<string, Expected> {
  if (cache) return cache;
  const bytes = gunzipSync(readFileSync(imagePath('expected.safetensors.gz')));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out = new Map<string, Expected>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [a, b] = entry.data_offsets;
    const raw = new Uint8Array(bytes.subarray(base + a, base + b)); // a copy, aligned for Float32Array
    if (entry.dtype === 'U8') out.set(name, { shape: entry.shape, data: raw });
    else if (entry.dtype === 'F32')
      out.set(name, { shape: entry.shape, data: new Float32Array(raw.buffer, 0, raw.length / 4) });
    else throw new Error(`unexpected dtype ${entry.dtype} for ${name}`);
  }
  cache = out;
  return out;
}

export function get(name: string): Expected {
  const e = expected().get(name);
  if (!e) throw new Error(`expected.safetensors.gz has no tensor ${name}; rerun test/fixtures/images/generate.py`);
  return e;
}

/** Largest |a - b·scale| over the two arrays (b is bytes, compared in units of 1/255 when scale=255). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A [3, H, W] float image in [0, 1] as bytes (k/255 → k). */
export function toBytes(data: Float32Array): Uint8Array {
  return Uint8Array.from(data, (v) => Math.round(v * 255));
}

/** [3, H, W] planes → [H, W, 3] interleaved. */
export function chwToHwc(chw: Uint8Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(chw.length);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = chw[c * h * w + i];
  return out;
}

/** [C, H, W] holding c·cStep + y·yStep + x at (c, y, x), so a test can read positions back from values. */
export function positionCoded(C: number, H: number, W: number, cStep: number, yStep: number): Tensor {
  const data = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[(c * H + y) * W + x] = c * cStep + y * yStep + x;
  return new Tensor(data, [C, H, W]);
}
