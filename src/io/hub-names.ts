/** File names torch.hub derives from checkpoint URLs, and the sha256 prefix they carry. */
import { ArgumentError } from '../errors.js';

/** Same pattern as torch.hub's HASH_REGEX (first match wins, as with Python's `re.search`). */
const HASH_REGEX = /-([a-f0-9]*)\./;

/**
 * The sha256 prefix torch expects for a checkpoint file name, e.g. `'397923af'` for
 * `vgg16-397923af.pth`, or null when the name carries none.
 */
export function hashPrefixFromFileName(fileName: string): string | null {
  const m = HASH_REGEX.exec(fileName);
  return m ? m[1] : null;
}

/** The cache file name torch derives from a URL: the last segment of its path. */
export function fileNameFromUrl(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    throw new ArgumentError(`Not a valid URL: "${url}".`);
  }
  const name = pathname.slice(pathname.lastIndexOf('/') + 1);
  if (!name) throw new ArgumentError(`Cannot derive a file name from URL "${url}"; pass fileName.`);
  return name;
}
