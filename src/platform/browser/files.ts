/** A browser page has no file paths: checkpoints and images come as URLs, Blobs (File) or bytes. */
import type * as node from '../node/files.js';
import { ArgumentError } from '../../errors.js';

const noFiles = (path: string): Promise<never> =>
  Promise.reject(
    new ArgumentError(`cannot open "${path}" in a browser: pass a URL, a File/Blob or the bytes (vgg-ts/browser)`),
  );

export const readFileBytes: typeof node.readFileBytes = noFiles;

export const writeFileAtomic: typeof node.writeFileAtomic = noFiles;
