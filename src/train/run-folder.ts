/**
 * The folder of a training run: opened before any work so that a folder that
 * cannot be written, or one that already holds a run, fails at once with a
 * clear message rather than after an epoch; and errors from writing into it
 * (a full disk, a read-only file system) said in one line.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';

/** The run folder cannot be created or written. */
export class RunFolderError extends ArgumentError {
  override name = 'RunFolderError';
}

/** Everything a run writes, removed by `overwrite`; nothing else in the folder is touched. */
const RUN_FILES = [
  'state.json',
  'checkpoint',
  'best.safetensors',
  'last.safetensors',
  'metrics.csv',
  'metrics.json',
  'chart.html',
];

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'it exists and is not a folder',
};

/** Whether `e` came from a file in the run folder (or from a write that names no file), not from a dataset file, say. */
export function isRunFolderError(e: unknown, outDir: string): boolean {
  const { path } = (e ?? {}) as NodeJS.ErrnoException;
  return path === undefined || !relative(resolve(outDir), resolve(path)).startsWith('..');
}

/** A write error (a full disk, a read-only folder) as one line naming the run folder; other errors unchanged. */
export function describeWriteError(e: unknown, outDir: string, resumable: boolean): unknown {
  const { code } = (e ?? {}) as NodeJS.ErrnoException;
  const why = WRITE_PROBLEMS[code ?? ''];
  if (!why) return e;
  const next = resumable ? '; the last checkpoint is intact: fix this and continue with --resume' : '';
  return new RunFolderError(`cannot write to the run folder ${outDir}: ${why} (${code!})${next}`, { cause: e });
}

/** `mkdir -p` that reports the real reason: Node's recursive mkdir says ENOENT where a plain one says EROFS or EACCES. */
async function makeFolders(dir: string): Promise<string | undefined> {
  try {
    return await mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let missing = resolve(dir);
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    await mkdir(missing);
    throw e;
  }
}

export interface OpenRunFolderOptions {
  resume?: boolean;
  overwrite?: boolean;
}

/**
 * Creates `outDir` when needed and checks that it can be written. A folder
 * that already holds a run is refused unless `resume` (continue it) or
 * `overwrite` (remove the run's files first). Returns the first folder it
 * created, if any, for removeCreatedFolders.
 */
export async function openRunFolder(outDir: string, opts: OpenRunFolderOptions): Promise<string | undefined> {
  if (opts.resume && opts.overwrite)
    throw new ArgumentError('--resume continues the run in the folder and --overwrite replaces it: choose one');
  let created: string | undefined;
  try {
    created = await makeFolders(outDir);
    const probe = join(outDir, `.write-test-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (e) {
    throw describeWriteError(e, outDir, false);
  }
  if (opts.resume || created) return created;
  const existing = RUN_FILES.filter((name) => existsSync(join(outDir, name)));
  if (existing.length === 0) return undefined;
  if (!opts.overwrite)
    throw new ArgumentError(
      `${outDir} already holds a training run (${existing.join(', ')}); continue it with --resume or replace it with --overwrite`,
    );
  for (const name of existing) await rm(join(outDir, name), { recursive: true, force: true });
  return undefined;
}

/** After a run that failed to start: removes the folders openRunFolder created, if they are still empty. */
export async function removeCreatedFolders(outDir: string, created: string | undefined): Promise<void> {
  if (!created) return;
  for (let dir = resolve(outDir); !relative(created, dir).startsWith('..'); dir = dirname(dir)) {
    if (
      !(await rmdir(dir).then(
        () => true,
        () => false,
      ))
    )
      return;
    if (dir === created) return;
  }
}
