/**
 * Checkpoint downloads that behave like `torch.hub`:
 *
 * - the cache lives in `$TORCH_HOME/hub/checkpoints` (default `~/.cache/torch/hub/checkpoints`,
 *   or `$XDG_CACHE_HOME/torch/hub/checkpoints`) and files keep the names torch gives them, so
 *   checkpoints PyTorch already downloaded are reused without touching the network;
 * - file names of the form `name-<hex>.ext` carry a sha256 prefix that the downloaded bytes
 *   must match (torch's `HASH_REGEX`);
 * - bytes stream to a uniquely named temporary file in the destination folder, hashed on
 *   the way, and are renamed into place only once complete and verified. Any failure
 *   removes the temporary file and throws a DownloadError saying what happened.
 *
 * Offline mode (`offline: true` or `VGG_OFFLINE=1`) never opens a connection.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { createByteProgress } from './hub-progress.js';
import { fileNameFromUrl, hashPrefixFromFileName } from './hub-names.js';
import {
  DownloadError,
  HttpStatusError,
  HashMismatchError,
  IncompleteDownloadError,
  OfflineError,
} from './download-errors.js';

export { fileNameFromUrl, hashPrefixFromFileName };
export {
  DownloadError,
  HttpStatusError,
  HashMismatchError,
  IncompleteDownloadError,
  OfflineError,
  type DownloadErrorCode,
} from './download-errors.js';

// ---------------------------------------------------------------------------
// Errors

// ---------------------------------------------------------------------------
// Cache locations (torch.hub's rules)

/** `~` and `~/…` as in the user's home folder (Python's `os.path.expanduser`). */
export function expandUser(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith(`~${path.sep}`)) return path.join(os.homedir(), p.slice(2));
  return p;
}

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** `$TORCH_HOME`, else `$XDG_CACHE_HOME/torch`, else `~/.cache/torch` (as torch.hub). */
export function torchHome(): string {
  const home = env('TORCH_HOME');
  if (home !== undefined) return expandUser(home);
  return expandUser(path.join(env('XDG_CACHE_HOME') ?? path.join('~', '.cache'), 'torch'));
}

/** torch.hub's directory: `<torchHome>/hub`. */
export function hubDir(): string {
  return path.join(torchHome(), 'hub');
}

/** Where checkpoints are cached: `<hubDir>/checkpoints`. */
export function checkpointsDir(): string {
  return path.join(hubDir(), 'checkpoints');
}

/** Is `VGG_OFFLINE` set to a true-ish value (1, true, yes, on)? */
export function offlineFromEnv(): boolean {
  const v = env('VGG_OFFLINE');
  return v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase());
}

// ---------------------------------------------------------------------------
// Downloading

export interface DownloadOptions {
  /** Required start of the sha256 hex digest of the body; null/undefined/'' skips the check. */
  hashPrefix?: string | null;
  /** The md5 hex digest the body must have (how torchvision checks dataset files); checked in the same pass. */
  md5?: string;
  /** Show a progress bar on stderr (only drawn when stderr is a terminal). Default false. */
  progress?: boolean;
  /** Redirects followed before giving up (default 10). */
  maxRedirects?: number;
  /** Abort when the connection is idle this long, in ms (default 60000). */
  timeoutMs?: number;
  /** Cancels the download; the temporary file is removed. */
  signal?: AbortSignal;
}

export interface LoadStateDictOptions {
  /** Cache folder; default `checkpointsDir()`. */
  modelDir?: string;
  /** Cache file name; default the last segment of the URL path. */
  fileName?: string;
  /** Verify the sha256 prefix embedded in the file name (torch's `check_hash`). Default true. */
  checkHash?: boolean;
  /** Progress bar on stderr when it is a terminal. Default false. */
  progress?: boolean;
  /** Never download; also switched on by `VGG_OFFLINE=1`. */
  offline?: boolean;
  /** See DownloadOptions. */
  maxRedirects?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'vgg-ts (torch.hub compatible)';

interface Opened {
  res: http.IncomingMessage;
  req: http.ClientRequest;
}

/** Issue one GET; resolves with the response head. */
function get(
  url: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  state: { timedOut: boolean },
): Promise<Opened> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new DownloadError('UNSUPPORTED_PROTOCOL', url, `Not a valid URL: "${url}".`));
  }
  const mod = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
  if (!mod) {
    return Promise.reject(
      new DownloadError('UNSUPPORTED_PROTOCOL', url, `Cannot download ${url}: only http and https URLs are supported.`),
    );
  }
  return new Promise<Opened>((resolve, reject) => {
    const req = mod.get(parsed, { headers: { 'User-Agent': USER_AGENT }, agent: false, signal });
    req.setTimeout(timeoutMs, () => {
      state.timedOut = true;
      req.destroy(new DownloadError('TIMEOUT', url, `Download of ${url} timed out: no data for ${timeoutMs} ms.`));
    });
    req.once('response', (res) => resolve({ res, req }));
    req.once('error', reject);
  });
}

/** GET `url`, following redirects; resolves with a 2xx response whose body is unread. */
async function openFollowingRedirects(
  url: string,
  maxRedirects: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  state: { timedOut: boolean },
): Promise<Opened> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const opened = await get(current, timeoutMs, signal, state);
    const { res } = opened;
    const status = res.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) {
        throw new DownloadError(
          'BAD_REDIRECT',
          url,
          `Download of ${url}: HTTP ${status} redirect from ${current} without a Location header.`,
        );
      }
      if (hops >= maxRedirects) {
        throw new DownloadError(
          'TOO_MANY_REDIRECTS',
          url,
          `Download of ${url} failed: more than ${maxRedirects} redirects (last: ${current}).`,
        );
      }
      current = new URL(location, current).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new HttpStatusError(
        current === url ? url : `${url} (redirected to ${current})`,
        status,
        res.statusMessage ?? '',
      );
    }
    return opened;
  }
}

async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone (or never created)
  }
}

/**
 * Download `url` to `dest` like torch.hub's `download_url_to_file`: stream to a temporary
 * file next to `dest`, check the sha256 prefix if given, then rename into place. On any
 * failure nothing is left behind and a DownloadError is thrown.
 */
export async function downloadUrlToFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const maxRedirects = opts.maxRedirects ?? 10;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const expectedHash = opts.hashPrefix ? opts.hashPrefix.toLowerCase() : null;
  const destAbs = path.resolve(expandUser(dest));
  const dir = path.dirname(destAbs);
  const tmp = path.join(dir, `.${path.basename(destAbs)}.${process.pid}.${randomBytes(6).toString('hex')}.partial`);
  const state = { timedOut: false };

  let contentLength: number | null = null;
  let received = 0;
  let bar = createByteProgress({ enabled: false, total: null, label: '' });

  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new DownloadError('FILE_SYSTEM', url, `Cannot create folder ${dir} for ${url}: ${(err as Error).message}`, {
      cause: err,
    });
  }

  try {
    const { res } = await openFollowingRedirects(url, maxRedirects, timeoutMs, opts.signal, state);
    const lengthHeader = res.headers['content-length'];
    if (lengthHeader !== undefined && /^\d+$/.test(lengthHeader)) contentLength = Number(lengthHeader);

    const showBar = opts.progress === true && process.stderr.isTTY === true;
    if (showBar) process.stderr.write(`Downloading: "${url}" to ${destAbs}\n`);
    bar = createByteProgress({ enabled: showBar, total: contentLength, label: path.basename(destAbs) });

    const hash = createHash('sha256');
    const md5 = opts.md5 ? { hash: createHash('md5'), expected: opts.md5.toLowerCase() } : null;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        md5?.hash.update(chunk);
        received += chunk.length;
        bar.update(received);
        callback(null, chunk);
      },
    });
    await pipeline(res, meter, createWriteStream(tmp, { flags: 'wx' }));

    if (contentLength !== null && received !== contentLength) {
      throw new IncompleteDownloadError(url, received, contentLength);
    }
    bar.stop(received);
    if (expectedHash !== null) {
      const actual = hash.digest('hex');
      if (!actual.startsWith(expectedHash)) throw new HashMismatchError(url, expectedHash, actual, received);
    }
    if (md5) {
      const actual = md5.hash.digest('hex');
      if (actual !== md5.expected) throw new HashMismatchError(url, md5.expected, actual, received, 'md5');
    }
    await rename(tmp, destAbs);
  } catch (err) {
    bar.stop();
    await removeQuietly(tmp);
    throw classify(err, {
      url,
      received,
      contentLength,
      timedOut: state.timedOut,
      timeoutMs,
      signal: opts.signal,
      tmp,
    });
  }
}

interface FailureContext {
  url: string;
  received: number;
  contentLength: number | null;
  timedOut: boolean;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  tmp: string;
}

/** Turn whatever went wrong into a DownloadError with a useful message. */
function classify(err: unknown, ctx: FailureContext): DownloadError {
  if (err instanceof DownloadError) return err;
  const { url, received, contentLength } = ctx;
  const progress = contentLength !== null ? `${received} of ${contentLength} bytes` : `${received} bytes`;
  if (ctx.signal?.aborted) {
    return new DownloadError('ABORTED', url, `Download of ${url} was aborted after ${progress}.`, { cause: err });
  }
  if (ctx.timedOut) {
    return new DownloadError(
      'TIMEOUT',
      url,
      `Download of ${url} timed out (no data for ${ctx.timeoutMs} ms) after ${progress}.`,
      { cause: err },
    );
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.syscall === 'string' && typeof e.path === 'string') {
    const what = e.path === ctx.tmp ? `its temporary file ${e.path}` : e.path;
    return new DownloadError('FILE_SYSTEM', url, `Download of ${url} failed writing ${what}: ${e.message}`, {
      cause: err,
    });
  }
  if (contentLength !== null && received < contentLength) {
    return new IncompleteDownloadError(url, received, contentLength, err);
  }
  let msg = err instanceof Error ? err.message : String(err);
  if (msg === 'aborted') msg = 'the connection closed before the body was complete';
  return new DownloadError('NETWORK', url, `Download of ${url} failed after ${progress}: ${msg}. Nothing was saved.`, {
    cause: err,
  });
}

/**
 * Make sure the checkpoint at `url` is in the cache and return its local path, like
 * torch.hub's `load_state_dict_from_url` without the unpickling: if
 * `<modelDir>/<fileName>` exists it is returned without any network access; otherwise it
 * is downloaded (hash-checked unless `checkHash: false`), or OfflineError is thrown in
 * offline mode.
 */
export async function loadStateDictFromUrl(url: string, opts: LoadStateDictOptions = {}): Promise<string> {
  const modelDir = path.resolve(expandUser(opts.modelDir ?? checkpointsDir()));
  const fileName = opts.fileName ?? fileNameFromUrl(url);
  const cached = path.join(modelDir, fileName);
  if (await exists(cached)) return cached;

  if (opts.offline === true || offlineFromEnv()) {
    const reason = opts.offline === true ? 'offline: true' : `VGG_OFFLINE=${process.env.VGG_OFFLINE}`;
    throw new OfflineError(url, fileName, cached, reason);
  }
  const hashPrefix = opts.checkHash === false ? null : hashPrefixFromFileName(fileName);
  await downloadUrlToFile(url, cached, {
    hashPrefix,
    progress: opts.progress,
    maxRedirects: opts.maxRedirects,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  return cached;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
