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
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { restoreGifTransparentColour } from './image-gif.js';
import { ImageDecodeError, checkImageSize, checkReadImageOptions, type ReadImageOptions } from './image-checks.js';
import { toRgbTensor } from './image-pixels.js';

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
  const { maxPixels, minSize } = checkReadImageOptions(opts);

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
  checkImageSize(name, width, height, meta.autoOrient ?? { width, height }, maxPixels, minSize);

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
