/** Whole files in and out (Node). */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/** The bytes of a file. */
export function readFileBytes(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** Writes next to the target and renames, so a crash never leaves a half-written checkpoint under the real name. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
