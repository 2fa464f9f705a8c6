/**
 * Decoding image files into `[3, H, W]` float32 tensors in [0, 1], RGB — the pixels
 * Pillow gives torchvision with `ImageOps.exif_transpose(Image.open(f)).convert('RGB')`.
 *
 * Files are decoded by sharp (libvips); the conversions to RGB are done here, the way
 * Pillow's `convert('RGB')` does them, because libvips's own differ:
 * - 8-bit RGB, palette (PNG, GIF) and grey images: the values as stored, grey replicated;
 * - alpha is dropped, never composited or premultiplied;
 * - CMYK (JPEG, TIFF): Pillow's naive formula without colour management,
 *   `r = 255 - k - c·(255 - k)/255` (rounded as Pillow's `MULDIV255`), not an ICC transform;
 * - 16-bit RGB(A) and grey+alpha: the high byte (Pillow reads them as 8-bit modes);
 *   16-bit grey without alpha: Pillow's mode 'I', so `convert('RGB')` clips values
 *   above 255 to 255 (a 16-bit grey photo comes out mostly white, exactly as in Pillow);
 * - embedded ICC profiles are ignored, as Pillow ignores them;
 * - the EXIF orientation is applied (like `ImageOps.exif_transpose`; note that plain
 *   `Image.open` and torchvision's `read_image` do not apply it);
 * - only the first frame of animated GIF/WebP and the first page of TIFF are read;
 *   transparent GIF pixels keep their palette colour (libvips would make them black).
 *
 * JPEG is decoded by mozjpeg (in sharp's libvips) where Pillow uses libjpeg-turbo; both
 * share the integer IDCT and upsampling, and every fixture (baseline 4:2:0 and 4:2:2,
 * progressive 4:4:4, grey, CMYK) decodes to Pillow's exact bytes: see
 * test/data/images/decode.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { ArgumentError, VggError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { gifTransparentColour } from './image-gif.js';

/** Pillow's `Image.MAX_IMAGE_PIXELS`: 1024 × 1024 × 1024 / 4 / 3. */
export const DEFAULT_MAX_PIXELS = 178_956_970;

/** Why an image was refused. */
export type ImageErrorCode = 'unreadable' | 'corrupt' | 'too-many-pixels' | 'too-small';

/** An image could not be used; the message names the file (or says the bytes came from memory). */
export class ImageError extends VggError {
  override name = 'ImageError';
  constructor(
    /** The file name, or a description of in-memory bytes. */
    readonly source: string,
    readonly code: ImageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The file could not be read ('unreadable') or its bytes are not a decodable image ('corrupt'). */
export class ImageDecodeError extends ImageError {
  override name = 'ImageDecodeError';
}

/** The header announces more pixels than allowed; nothing was decoded. */
export class ImageTooLargeError extends ImageError {
  override name = 'ImageTooLargeError';
  constructor(
    source: string,
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(
      source,
      'too-many-pixels',
      `${source}: the image is ${width}×${height} = ${fmt(width * height)} pixels, more than the limit of ` +
        `${fmt(maxPixels)} (maxPixels); refusing to decode it`,
    );
  }
}

/** The image is smaller than the required minimum size. */
export class ImageTooSmallError extends ImageError {
  override name = 'ImageTooSmallError';
  constructor(
    source: string,
    readonly width: number,
    readonly height: number,
    readonly minSize: [number, number],
  ) {
    super(
      source,
      'too-small',
      `${source}: the image is ${width}×${height} (width×height), smaller than the minimum size of ` +
        `${minSize[1]}×${minSize[0]} (width×height; minSize [${minSize[0]}, ${minSize[1]}] is [height, width])`,
    );
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

export interface ReadImageOptions {
  /**
   * Refuse images with more pixels than this, judged from the header before decoding.
   * Default 178,956,970 (Pillow's `MAX_IMAGE_PIXELS`); `Infinity` lifts the limit.
   */
  maxPixels?: number;
  /** Refuse images smaller than `[height, width]` (after EXIF rotation), like `Weights.meta.minSize`. */
  minSize?: readonly [number, number];
}

/** Formats read; others that libvips knows (SVG, PDF, …) are not raster files Pillow opens. */
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);

type SharpFn = typeof import('sharp').default;
let sharpModule: Promise<SharpFn> | undefined;

/** sharp is loaded on first use, so importing this module costs nothing where images are not read. */
function loadSharp(): Promise<SharpFn> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

function sourceName(source: string | Uint8Array): string {
  return typeof source === 'string' ? source : `in-memory image (${source.byteLength} bytes)`;
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}

/**
 * Reads and decodes an image file (or its bytes): JPEG, PNG, WebP, GIF, TIFF (and
 * AVIF/HEIF where libvips has it). Returns `[3, H, W]` float32 RGB in [0, 1] (value k/255
 * for byte k), identical to Pillow's `exif_transpose(img).convert('RGB')` except for
 * JPEG/lossy-WebP decoder rounding. Throws `ImageError` (a subclass, with a `code`).
 */
export async function readImage(source: string | Uint8Array, opts: ReadImageOptions = {}): Promise<Tensor> {
  const name = sourceName(source);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (
    typeof maxPixels !== 'number' ||
    !(maxPixels > 0) ||
    (Number.isFinite(maxPixels) && !Number.isInteger(maxPixels))
  ) {
    throw new ArgumentError(`readImage: maxPixels must be a positive integer or Infinity, got ${String(maxPixels)}`);
  }
  const minSize = opts.minSize;
  if (
    minSize !== undefined &&
    (!Array.isArray(minSize) || minSize.length !== 2 || !minSize.every((v) => Number.isInteger(v) && v >= 0))
  ) {
    throw new ArgumentError(`readImage: minSize must be [height, width] with integers, got ${JSON.stringify(minSize)}`);
  }

  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : reason(err);
      throw new ImageDecodeError(name, 'unreadable', `${name}: cannot read the image file: ${why}`, { cause: err });
    }
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    throw new ArgumentError(`readImage expects a file path or a Uint8Array, got ${typeof source}`);
  }
  if (bytes.length === 0) throw new ImageDecodeError(name, 'corrupt', `${name}: the file is empty, not an image`);

  const sharp = await loadSharp();
  const limitInputPixels = Number.isFinite(maxPixels) ? Math.min(maxPixels, Number.MAX_SAFE_INTEGER) : false;

  // 1. The header only: format, size, colour space, orientation.
  let meta: Awaited<ReturnType<ReturnType<SharpFn>['metadata']>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
  } catch (err) {
    throw new ImageDecodeError(name, 'corrupt', `${name}: not a readable image (${reason(err)})`, { cause: err });
  }
  if (!FORMATS.has(meta.format ?? '')) {
    throw new ImageDecodeError(
      name,
      'corrupt',
      `${name}: ${meta.format ?? 'unknown'} is not a supported image format (JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF)`,
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!(width > 0 && height > 0)) {
    throw new ImageDecodeError(name, 'corrupt', `${name}: the header gives no image size`);
  }
  if (width * height > maxPixels) throw new ImageTooLargeError(name, width, height, maxPixels);
  const shown = meta.autoOrient ?? { width, height };
  if (minSize && (shown.height < minSize[0] || shown.width < minSize[1])) {
    throw new ImageTooSmallError(name, shown.width, shown.height, [minSize[0], minSize[1]]);
  }

  // 2. Decode in the file's own colour space; convert to RGB below, as Pillow does.
  const kind =
    meta.space === 'cmyk'
      ? 'cmyk'
      : meta.space === 'grey16'
        ? 'grey16'
        : meta.space === 'rgb16'
          ? 'rgb16'
          : meta.space === 'b-w' && meta.depth === 'uchar'
            ? 'grey8'
            : 'srgb';
  let pipeline = sharp(bytes, {
    limitInputPixels,
    failOn: 'truncated',
    autoOrient: true,
    ignoreIcc: true,
    page: 0,
    pages: 1,
  });
  pipeline =
    kind === 'cmyk'
      ? pipeline.pipelineColourspace('cmyk').toColourspace('cmyk')
      : pipeline.toColourspace(kind === 'grey8' ? 'b-w' : kind);
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await pipeline
      .raw(kind === 'grey16' || kind === 'rgb16' ? { depth: 'ushort' } : {})
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageDecodeError(
      name,
      'corrupt',
      `${name}: cannot decode the image, it is truncated or corrupt (${reason(err)})`,
      { cause: err },
    );
  }
  const { width: w, height: h, channels } = raw.info;
  const expected = w * h * channels * (kind === 'grey16' || kind === 'rgb16' ? 2 : 1);
  if (raw.data.length !== expected) {
    throw new ImageDecodeError(
      name,
      'corrupt',
      `${name}: the decoder returned ${raw.data.length} bytes for ${w}×${h}×${channels}`,
    );
  }
  if (meta.format === 'gif' && channels === 4) restoreGifTransparentColour(raw.data, bytes);
  return toRgbTensor(raw.data, w, h, channels, kind, name);
}

/** Transparent GIF pixels get their palette colour back, as Pillow shows them (see image-gif.ts). */
function restoreGifTransparentColour(rgba: Uint8Array, file: Uint8Array): void {
  const colour = gifTransparentColour(file);
  if (!colour) return;
  for (let o = 0; o < rgba.length; o += 4) {
    if (rgba[o + 3] === 0) {
      rgba[o] = colour[0];
      rgba[o + 1] = colour[1];
      rgba[o + 2] = colour[2];
    }
  }
}

const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Pillow's `MULDIV255(a, b)`: a·b/255 rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

function toRgbTensor(
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
