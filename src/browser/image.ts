/**
 * readImage in a browser: the browser's own decoders (createImageBitmap) and a canvas to read the
 * pixels back, then the same RGB conversion and limits as in Node.
 *
 * What differs from Pillow, and why:
 * - PNG, GIF, BMP and lossless WebP decode to the stored bytes, as in Pillow (the image is decoded with
 *   `colorSpaceConversion: 'none'`, so an embedded ICC profile or gamma chunk is ignored, as Pillow does);
 * - JPEG: Chromium decodes with libjpeg-turbo like Pillow, but its own IDCT/upsampling settings; see
 *   test/e2e/browser for the measured difference on the committed fixtures;
 * - transparent pixels: a 2D canvas stores premultiplied colour, so RGB under alpha < 255 comes back
 *   rounded (and black under alpha 0), where Pillow keeps the stored RGB;
 * - the size limits (maxPixels, minSize) are checked after decoding, since the browser gives no header.
 */
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  ImageDecodeError,
  checkImageSize,
  checkReadImageOptions,
  type ReadImageOptions,
} from '../data/image-checks.js';
import { imageFromPixels } from '../data/image-pixels.js';

/** Anything a browser can hand over as an image. A string is a URL. */
export type BrowserImageSource =
  | string
  | URL
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ImageData
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas;

function describe(source: BrowserImageSource): string {
  if (typeof source === 'string' || source instanceof URL) return String(source);
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  if (source instanceof Blob) return `in-memory image (${source.size} bytes)`;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer)
    return `in-memory image (${source.byteLength} bytes)`;
  return `${source.constructor.name} image`;
}

async function blobOf(source: string | URL | Uint8Array | ArrayBuffer | Blob, name: string): Promise<Blob> {
  if (source instanceof Blob) return source;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return new Blob([source as BlobPart]);
  let response: Response;
  try {
    response = await fetch(source);
  } catch (err) {
    throw new ImageDecodeError(name, 'unreadable', `${name}: cannot fetch the image`, { cause: err });
  }
  if (!response.ok) throw new ImageDecodeError(name, 'unreadable', `${name}: HTTP ${response.status}`);
  return response.blob();
}

/** Draws a decoded image onto a canvas and reads back its RGBA bytes. */
function pixelsOf(image: CanvasImageSource, width: number, height: number, name: string): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageDecodeError(name, 'corrupt', `${name}: no 2D canvas to read the pixels with`);
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
}

/**
 * Decodes an image in a browser or Web Worker into `[3, H, W]` float32 RGB in [0, 1]: a URL, a File or
 * Blob, bytes, an `ImageData`, `ImageBitmap`, `<img>` (loaded), `<canvas>` or `OffscreenCanvas`.
 * The EXIF orientation is applied. Throws `ImageError` (a subclass, with a `code`).
 */
export async function readImage(source: BrowserImageSource, opts: ReadImageOptions = {}): Promise<Tensor> {
  const { maxPixels, minSize } = checkReadImageOptions(opts);
  if (source === null || (typeof source !== 'string' && typeof source !== 'object')) {
    throw new ArgumentError(`readImage expects a URL, Blob, bytes or an image object, got ${typeof source}`);
  }
  const name = describe(source);
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    checkImageSize(name, source.width, source.height, source, maxPixels, minSize);
    return imageFromPixels(source.data, source.width, source.height, 4);
  }
  let image: CanvasImageSource;
  let owned: ImageBitmap | undefined;
  if (
    typeof source === 'string' ||
    source instanceof URL ||
    source instanceof Uint8Array ||
    source instanceof ArrayBuffer ||
    source instanceof Blob
  ) {
    const blob = await blobOf(source, name);
    if (blob.size === 0) throw new ImageDecodeError(name, 'corrupt', `${name}: the file is empty, not an image`);
    try {
      owned = await createImageBitmap(blob, {
        colorSpaceConversion: 'none',
        premultiplyAlpha: 'none',
        imageOrientation: 'from-image',
      });
    } catch (err) {
      throw new ImageDecodeError(name, 'corrupt', `${name}: not a readable image`, { cause: err });
    }
    image = owned;
  } else {
    image = source as CanvasImageSource;
  }
  try {
    const { width, height } = image as { width: number; height: number };
    if (!(width > 0 && height > 0)) throw new ImageDecodeError(name, 'corrupt', `${name}: the image has no size`);
    checkImageSize(name, width, height, { width, height }, maxPixels, minSize);
    const data = pixelsOf(image, width, height, name);
    return imageFromPixels(data.data, width, height, 4);
  } finally {
    owned?.close();
  }
}
