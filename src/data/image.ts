/**
 * Images as `[3, H, W]` float32 RGB tensors in [0, 1]. `readImage` decodes with sharp in Node
 * (image-sharp.ts) and with the browser's own decoders in a browser (browser/image.ts), chosen
 * by `#platform/read-image`; the errors, limits and pixel conversions are shared.
 */
export * from './image-checks.js';
export { imageFromPixels } from './image-pixels.js';
export { readImage } from '#platform/read-image';
