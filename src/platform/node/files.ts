/** Whole files in and out (Node). */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { crashPoint } from '../../io/crash-point.js';

/** Marks the temporary files of writeFileAtomic, so a folder can be cleared of those a crash left behind. */
export const TEMPORARY_FILE_MARK = '.tmp-';

/** The bytes of a file. */
export function readFileBytes(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** Writes next to the target and renames, so a crash never leaves a half-written checkpoint under the real name. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}${TEMPORARY_FILE_MARK}${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, bytes);
    crashPoint();
    await rename(tmp, path);
    crashPoint();
  } catch (e) {
    await rm(tmp, { force: true });
    // A failed write (ENOSPC, EDQUOT) says only "write": name the file, as a failed open does.
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.path === undefined) {
      err.path = path;
      err.message = `${err.message} '${path}'`;
    }
    throw e;
  }
}
