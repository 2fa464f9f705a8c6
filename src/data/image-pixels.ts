/** Interleaved 8-bit (or 16-bit) pixels to `[3, H, W]` float32 RGB in [0, 1], converted the way Pillow's `convert('RGB')` does. */
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { ImageDecodeError } from './image-checks.js';

const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Pillow's `MULDIV255(a, b)`: a·b/255 rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

export function toRgbTensor(
  data: Buffer,
  width: number,
  height: number,
  channels: number,
  kind: 'cmyk' | 'grey16' | 'rgb16' | 'grey8' | 'srgb',
  name: string,
): Tensor {
  const n = width * height;
  const out = new Float32Array(3 * n);
  const r = out.subarray(0, n);
  const g = out.subarray(n, 2 * n);
  const b = out.subarray(2 * n);
  const bad = (): never => {
    throw new ImageDecodeError(name, 'corrupt', `${name}: unexpected ${channels} channels for a ${kind} image`);
  };
  if (kind === 'grey16' || kind === 'rgb16') {
    const words =
      data.byteOffset % 2 === 0
        ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
        : new Uint16Array(new Uint8Array(data).buffer);
    if (kind === 'grey16') {
      if (channels !== 1 && channels !== 2) bad();
      // Pillow: grey without alpha is mode 'I' (convert clips at 255); grey+alpha is read as 8-bit (high byte).
      for (let i = 0; i < n; i++) {
        const v = words[i * channels];
        const byte = channels === 1 ? (v > 255 ? 255 : v) : v >> 8;
        r[i] = g[i] = b[i] = BYTE_TO_FLOAT[byte];
      }
    } else {
      if (channels !== 3 && channels !== 4) bad();
      for (let i = 0; i < n; i++) {
        const o = i * channels;
        r[i] = BYTE_TO_FLOAT[words[o] >> 8];
        g[i] = BYTE_TO_FLOAT[words[o + 1] >> 8];
        b[i] = BYTE_TO_FLOAT[words[o + 2] >> 8];
      }
    }
  } else if (kind === 'cmyk') {
    if (channels !== 4 && channels !== 5) bad();
    for (let i = 0; i < n; i++) {
      const o = i * channels;
      const nk = 255 - data[o + 3];
      r[i] = BYTE_TO_FLOAT[Math.max(0, nk - mulDiv255(data[o], nk))];
      g[i] = BYTE_TO_FLOAT[Math.max(0, nk - mulDiv255(data[o + 1], nk))];
      b[i] = BYTE_TO_FLOAT[Math.max(0, nk - mulDiv255(data[o + 2], nk))];
    }
  } else {
    if (channels < 1 || channels > 4) bad();
    fillFromBytes(data, n, channels, r, g, b);
  }
  return new Tensor(out, [3, height, width]);
}

/** Interleaved bytes with 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels → planes; alpha dropped. */
function fillFromBytes(
  data: Uint8Array | Uint8ClampedArray,
  n: number,
  channels: number,
  r: Float32Array,
  g: Float32Array,
  b: Float32Array,
): void {
  if (channels <= 2) {
    for (let i = 0; i < n; i++) r[i] = g[i] = b[i] = BYTE_TO_FLOAT[data[i * channels]];
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    r[i] = BYTE_TO_FLOAT[data[o]];
    g[i] = BYTE_TO_FLOAT[data[o + 1]];
    b[i] = BYTE_TO_FLOAT[data[o + 2]];
  }
}

/**
 * Raw interleaved 8-bit pixels — RGB, RGBA (what a browser canvas's `ImageData` holds;
 * alpha dropped, not composited) or grey (`channels` 1) — row by row, to `[3, H, W]`
 * float32 in [0, 1] (byte k → k/255, like torchvision's `to_tensor`).
 */
export function imageFromPixels(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
): Tensor {
  if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
    throw new ArgumentError(`imageFromPixels expects a Uint8Array or Uint8ClampedArray, got ${typeof pixels}`);
  }
  for (const [v, what] of [
    [width, 'width'],
    [height, 'height'],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ArgumentError(`imageFromPixels: ${what} must be a positive integer, got ${v}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ArgumentError(`imageFromPixels: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  const n = width * height;
  if (pixels.length !== n * channels) {
    throw new ArgumentError(
      `imageFromPixels: ${width}×${height}×${channels} needs ${n * channels} values, got ${pixels.length}`,
    );
  }
  const out = new Float32Array(3 * n);
  fillFromBytes(pixels, n, channels, out.subarray(0, n), out.subarray(n, 2 * n), out.subarray(2 * n));
  return new Tensor(out, [3, height, width]);
}
