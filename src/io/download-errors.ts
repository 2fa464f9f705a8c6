/** Why a checkpoint could not be downloaded: the same classes from Node's hub and the browser's fetch. */
import { VggError } from '../errors.js';

export type DownloadErrorCode =
  | 'HTTP_STATUS'
  | 'HASH_MISMATCH'
  | 'INCOMPLETE'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_REDIRECT'
  | 'UNSUPPORTED_PROTOCOL'
  | 'ABORTED'
  | 'FILE_SYSTEM'
  | 'OFFLINE';

/** Any failure to obtain a file. `code` says which kind; subclasses carry the details. */
export class DownloadError extends VggError {
  override name = 'DownloadError';
  constructor(
    readonly code: DownloadErrorCode,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered with a non-2xx status (after following redirects). */
export class HttpStatusError extends DownloadError {
  override name = 'HttpStatusError';
  constructor(
    url: string,
    readonly status: number,
    statusText: string,
  ) {
    super('HTTP_STATUS', url, `Download of ${url} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}.`);
  }
}

/** The sha256 of the downloaded bytes does not start with the prefix in the file name (or the md5 differs from the one asked for). */
export class HashMismatchError extends DownloadError {
  override name = 'HashMismatchError';
  constructor(
    url: string,
    readonly expected: string,
    readonly actual: string,
    readonly bytes: number,
    readonly algorithm: 'sha256' | 'md5' = 'sha256',
  ) {
    super(
      'HASH_MISMATCH',
      url,
      `Download of ${url} is corrupt: invalid hash value (expected ${algorithm === 'sha256' ? 'sha256 starting with' : 'md5'} "${expected}", ` +
        `got "${actual}" over ${bytes} bytes). Nothing was saved.`,
    );
  }
}

/** The body ended (or the connection broke) before all announced bytes arrived. */
export class IncompleteDownloadError extends DownloadError {
  override name = 'IncompleteDownloadError';
  constructor(
    url: string,
    readonly received: number,
    readonly expected: number,
    cause?: unknown,
  ) {
    let why = '';
    if (cause instanceof Error)
      why = cause.message === 'aborted' ? ' (connection closed early)' : ` (${cause.message})`;
    super(
      'INCOMPLETE',
      url,
      `Download of ${url} was cut short: received ${received} of ${expected} bytes${why}. Nothing was saved.`,
      { cause },
    );
  }
}

/** Offline mode is on and the file is not in the cache. */
export class OfflineError extends DownloadError {
  override name = 'OfflineError';
  constructor(
    url: string,
    readonly fileName: string,
    readonly searchedPath: string,
    reason: string,
  ) {
    super(
      'OFFLINE',
      url,
      `${fileName} is not cached (looked for ${searchedPath}) and downloads are disabled by ${reason}. ` +
        `Download ${url} to that path, or turn offline mode off.`,
    );
  }
}
