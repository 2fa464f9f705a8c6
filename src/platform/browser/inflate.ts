/**
 * Browsers inflate only asynchronously (DecompressionStream), and the zip reader is synchronous:
 * browser/checkpoint.ts stores a zip's DEFLATE entries first (storeZipEntries), so this is reached
 * only by a caller that hands compressed archives to readPth directly.
 */
import type * as node from '../node/inflate.js';

export const inflateRawSync: typeof node.inflateRawSync = () => {
  throw new Error('DEFLATE entries cannot be inflated synchronously in a browser; load the file with loadCheckpoint');
};
