/**
 * Checkpoints in a browser: from a URL (fetched with progress, checked against the sha256 prefix in
 * torchvision's file names, kept in the Cache API between visits), a File/Blob or bytes.
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../errors.js';
import { rawDictToTensors, type LoadCheckpointOptions } from '../io/checkpoint.js';
import { DownloadError, HashMismatchError, HttpStatusError, IncompleteDownloadError } from '../io/download-errors.js';
import { fileNameFromUrl, hashPrefixFromFileName } from '../io/hub-names.js';
import { detectFormat, decodeRawStateDict } from '../io/load.js';
import type { DecodePthOptions } from '../io/pth.js';
import { storeZipEntries } from '../io/zip-store.js';

/** The Cache API cache checkpoints are kept in unless told otherwise. */
export const CHECKPOINT_CACHE = 'vgg-ts-checkpoints';

export interface FetchCheckpointOptions {
  /** Called as bytes arrive; `total` is undefined when the server sends no Content-Length. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Cache API cache to read from and store into (default CHECKPOINT_CACHE); null fetches every time. */
  cache?: string | null;
  /** Check the sha256 prefix in the file name, torch.hub style (default true; names without one pass). */
  checkHash?: boolean;
  signal?: AbortSignal;
}

export type BrowserCheckpointSource = string | URL | Blob | ArrayBuffer | Uint8Array;

async function openCache(name: string | null | undefined): Promise<Cache | null> {
  if (name === null || typeof caches === 'undefined') return null;
  try {
    return await caches.open(name ?? CHECKPOINT_CACHE);
  } catch {
    return null; // opaque origins (file://, sandboxed frames) have no Cache API: download every time
  }
}

async function readBody(response: Response, url: string, opts: FetchCheckpointOptions): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const total = header === null ? undefined : Number(header);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    opts.onProgress?.(received, total);
  }
  if (total !== undefined && received !== total) throw new IncompleteDownloadError(url, received, total);
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

async function checkSha256(url: string, bytes: Uint8Array): Promise<void> {
  const prefix = hashPrefixFromFileName(fileNameFromUrl(url));
  if (!prefix) return;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (!hex.startsWith(prefix)) throw new HashMismatchError(url, prefix, hex, bytes.length);
}

/** The bytes behind `url`: from the cache when there, else downloaded, hash-checked and cached. */
export async function fetchCheckpoint(url: string | URL, opts: FetchCheckpointOptions = {}): Promise<Uint8Array> {
  const href = new URL(url, globalThis.location?.href).href;
  const cache = await openCache(opts.cache);
  const cached = await cache?.match(href);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    opts.onProgress?.(bytes.length, bytes.length);
    return bytes;
  }
  let response: Response;
  try {
    response = await fetch(href, { signal: opts.signal });
  } catch (err) {
    const aborted = opts.signal?.aborted === true;
    throw new DownloadError(aborted ? 'ABORTED' : 'NETWORK', href, `Download of ${href} failed: ${String(err)}`, {
      cause: err,
    });
  }
  if (!response.ok) throw new HttpStatusError(href, response.status, response.statusText);
  const bytes = await readBody(response, href, opts);
  if (opts.checkHash ?? true) await checkSha256(href, bytes);
  await cache?.put(href, new Response(bytes as BodyInit, { headers: { 'content-length': String(bytes.length) } }));
  return bytes;
}

/**
 * A state dict from checkpoint bytes (PyTorch zip or legacy, safetensors); compressed zips are inflated
 * first, asynchronously (DecompressionStream), which is why this is not the synchronous decode of Node. `alignInPlace` lets a legacy file's misaligned tensors be moved within `bytes` (no copy).
 */
export async function decodeCheckpointAsync(
  bytes: Uint8Array,
  opts: LoadCheckpointOptions & Pick<DecodePthOptions, 'alignInPlace'> = {},
): Promise<Map<string, Tensor>> {
  const plain = detectFormat(bytes) === 'pth-zip' ? await storeZipEntries(bytes) : bytes;
  return rawDictToTensors(decodeRawStateDict(plain, opts));
}

/**
 * Reads a checkpoint in a browser: a URL (see fetchCheckpoint), a File or Blob, or its bytes.
 * `key` and `stripPrefix` as in Node's loadCheckpoint.
 */
export async function loadCheckpoint(
  source: BrowserCheckpointSource,
  opts: LoadCheckpointOptions & FetchCheckpointOptions = {},
): Promise<Map<string, Tensor>> {
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    return decodeCheckpointAsync(source instanceof Uint8Array ? source : new Uint8Array(source), opts);
  }
  return decodeCheckpointAsync(await checkpointBytes(source, opts), { ...opts, alignInPlace: true });
}

/** The bytes of a URL (fetchCheckpoint) or a File/Blob, owned by the caller. */
export async function checkpointBytes(
  source: string | URL | Blob,
  opts: FetchCheckpointOptions = {},
): Promise<Uint8Array> {
  if (typeof source === 'string' || source instanceof URL) return fetchCheckpoint(source, opts);
  if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  throw new ArgumentError(`expected a URL, File/Blob, ArrayBuffer or Uint8Array, got ${typeof source}`);
}
