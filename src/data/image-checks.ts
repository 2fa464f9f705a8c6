/** Why images are refused, and the limits every decoder (sharp in Node, the browser's own) applies the same way. */
import { ArgumentError, VggError } from '../errors.js';

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

/** The options with their defaults, checked. */
export function checkReadImageOptions(opts: ReadImageOptions): {
  maxPixels: number;
  minSize: readonly [number, number] | undefined;
} {
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
  return { maxPixels, minSize };
}

/** Refuses an image by its header size (`shown` is the size after EXIF rotation), before anything is decoded. */
export function checkImageSize(
  name: string,
  width: number,
  height: number,
  shown: { width: number; height: number },
  maxPixels: number,
  minSize: readonly [number, number] | undefined,
): void {
  if (width * height > maxPixels) throw new ImageTooLargeError(name, width, height, maxPixels);
  if (minSize && (shown.height < minSize[0] || shown.width < minSize[1])) {
    throw new ImageTooSmallError(name, shown.width, shown.height, [minSize[0], minSize[1]]);
  }
}
