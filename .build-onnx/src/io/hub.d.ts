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
export type DownloadErrorCode = 'HTTP_STATUS' | 'HASH_MISMATCH' | 'INCOMPLETE' | 'NETWORK' | 'TIMEOUT' | 'TOO_MANY_REDIRECTS' | 'BAD_REDIRECT' | 'UNSUPPORTED_PROTOCOL' | 'ABORTED' | 'FILE_SYSTEM' | 'OFFLINE';
/** Any failure to obtain a file. `code` says which kind; subclasses carry the details. */
export declare class DownloadError extends Error {
    readonly code: DownloadErrorCode;
    readonly url: string;
    name: string;
    constructor(code: DownloadErrorCode, url: string, message: string, options?: {
        cause?: unknown;
    });
}
/** The server answered with a non-2xx status (after following redirects). */
export declare class HttpStatusError extends DownloadError {
    readonly status: number;
    name: string;
    constructor(url: string, status: number, statusText: string);
}
/** The sha256 of the downloaded bytes does not start with the prefix in the file name. */
export declare class HashMismatchError extends DownloadError {
    readonly expected: string;
    readonly actual: string;
    readonly bytes: number;
    name: string;
    constructor(url: string, expected: string, actual: string, bytes: number);
}
/** The body ended (or the connection broke) before all announced bytes arrived. */
export declare class IncompleteDownloadError extends DownloadError {
    readonly received: number;
    readonly expected: number;
    name: string;
    constructor(url: string, received: number, expected: number, cause?: unknown);
}
/** Offline mode is on and the file is not in the cache. */
export declare class OfflineError extends DownloadError {
    readonly fileName: string;
    readonly searchedPath: string;
    name: string;
    constructor(url: string, fileName: string, searchedPath: string, reason: string);
}
/** `$TORCH_HOME`, else `$XDG_CACHE_HOME/torch`, else `~/.cache/torch` (as torch.hub). */
export declare function torchHome(): string;
/** torch.hub's directory: `<torchHome>/hub`. */
export declare function hubDir(): string;
/** Where checkpoints are cached: `<hubDir>/checkpoints`. */
export declare function checkpointsDir(): string;
/**
 * The sha256 prefix torch expects for a checkpoint file name, e.g. `'397923af'` for
 * `vgg16-397923af.pth`, or null when the name carries none.
 */
export declare function hashPrefixFromFileName(fileName: string): string | null;
/** The cache file name torch derives from a URL: the last segment of its path. */
export declare function fileNameFromUrl(url: string): string;
/** Is `VGG_OFFLINE` set to a true-ish value (1, true, yes, on)? */
export declare function offlineFromEnv(): boolean;
export interface DownloadOptions {
    /** Required start of the sha256 hex digest of the body; null/undefined/'' skips the check. */
    hashPrefix?: string | null;
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
/**
 * Download `url` to `dest` like torch.hub's `download_url_to_file`: stream to a temporary
 * file next to `dest`, check the sha256 prefix if given, then rename into place. On any
 * failure nothing is left behind and a DownloadError is thrown.
 */
export declare function downloadUrlToFile(url: string, dest: string, opts?: DownloadOptions): Promise<void>;
/**
 * Make sure the checkpoint at `url` is in the cache and return its local path, like
 * torch.hub's `load_state_dict_from_url` without the unpickling: if
 * `<modelDir>/<fileName>` exists it is returned without any network access; otherwise it
 * is downloaded (hash-checked unless `checkHash: false`), or OfflineError is thrown in
 * offline mode.
 */
export declare function loadStateDictFromUrl(url: string, opts?: LoadStateDictOptions): Promise<string>;
