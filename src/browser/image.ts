/**
 * readImage in a browser: the browser's own decoders (createImageBitmap), the pixels read back as
 * stored, then the same RGB conversion and limits as in Node.
 *
 * Against Pillow (`exif_transpose(img).convert('RGB')`), measured in Chromium 156 on every committed
 * fixture by test/e2e/browser/library.test.ts:
 * - identical: JPEG (Chromium uses libjpeg-turbo, as Pillow does: baseline, progressive, 4:2:2, grey,
 *   EXIF orientations), WebP (lossy and lossless), PNG (8-bit, 16-bit RGB, palette, with alpha), GIF
 *   (transparent pixels get their palette colour back, as in Node). ICC profiles are ignored
 *   (`colorSpaceConversion: 'none'`), as Pillow ignores them;
 * - CMYK JPEG: off by at most 1/255 (Chromium's own CMYK conversion);
 * - 16-bit grey PNG: Pillow clips the values to 255 (its mode 'I'), Chromium scales them to 8 bits;
 * - TIFF: not decoded by Chromium (ImageDecodeError).
 * Files and bytes are read back through a WebGL2 texture, which keeps RGB under alpha < 255 as stored;
 * without WebGL2, and for `<img>`/canvas/ImageBitmap sources, a 2D canvas is used, whose premultiplied
 * colour rounds it (black under alpha 0). The size limits (maxPixels, minSize) are checked after
 * decoding, since the browser shows no header first.
 */
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  ImageDecodeError,
  checkImageSize,
  checkReadImageOptions,
  type ReadImageOptions,
} from '../data/image-checks.js';
import { restoreGifTransparentColour } from '../data/image-gif.js';
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

let gl: WebGL2RenderingContext | null | undefined;

/**
 * The RGBA bytes of a decoded image as stored, through a WebGL texture: unlike a 2D canvas, which keeps
 * premultiplied colour, it leaves RGB under transparent pixels as the file has it (as Pillow does).
 * Null where WebGL2 is missing or the image is larger than a texture may be.
 */
function storedPixels(image: ImageBitmap, width: number, height: number): Uint8Array | null {
  gl ??= typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl || gl.isContextLost()) return null;
  const limit = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  if (width > limit || height > limit) return null;
  const texture = gl.createTexture();
  const framebuffer = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, image);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return null;
    const out = new Uint8Array(width * height * 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, out);
    return gl.getError() === gl.NO_ERROR ? out : null;
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteFramebuffer(framebuffer);
    gl.deleteTexture(texture);
  }
}

/** Draws a decoded image onto a 2D canvas and reads back its RGBA bytes (premultiplied under transparency). */
function canvasPixels(image: CanvasImageSource, width: number, height: number, name: string): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageDecodeError(name, 'corrupt', `${name}: no 2D canvas to read the pixels with`);
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
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
  let gif: Uint8Array | undefined;
  if (
    typeof source === 'string' ||
    source instanceof URL ||
    source instanceof Uint8Array ||
    source instanceof ArrayBuffer ||
    source instanceof Blob
  ) {
    const blob = await blobOf(source, name);
    if (blob.size === 0) throw new ImageDecodeError(name, 'corrupt', `${name}: the file is empty, not an image`);
    const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
    if (String.fromCharCode(...head) === 'GIF8') gif = new Uint8Array(await blob.arrayBuffer());
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
    const pixels = (owned && storedPixels(owned, width, height)) ?? canvasPixels(image, width, height, name);
    if (gif) restoreGifTransparentColour(pixels, gif);
    return imageFromPixels(pixels, width, height, 4);
  } finally {
    owned?.close();
  }
}
