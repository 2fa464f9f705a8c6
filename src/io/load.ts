/**
 * Format detection and one-call loading of a state dict from any supported
 * checkpoint file (PyTorch zip, PyTorch legacy, safetensors).
 */
import { readFile } from 'node:fs/promises';
import { CheckpointError } from './errors.js';
import { pthLayout, decodeRawPth, type DecodePthOptions } from './pth.js';
import type { RawTensor } from './raw-tensor.js';
import { decodeRawSafetensors } from './safetensors.js';

export type CheckpointFormat = 'pth-zip' | 'pth-legacy' | 'safetensors';

/** Guesses the format from the first bytes; undefined when none matches. */
export function detectFormat(bytes: Uint8Array): CheckpointFormat | undefined {
  const layout = pthLayout(bytes);
  if (layout === 'zip') return 'pth-zip';
  if (layout === 'legacy') return 'pth-legacy';
  // safetensors: u64 header length that fits the file, then a JSON object.
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n >= 2n && n <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  return undefined;
}

/**
 * Reads a state dict from PyTorch or safetensors bytes. `key` and
 * `stripPrefix` apply to PyTorch files; `stripPrefix` to safetensors too.
 */
export function decodeRawStateDict(bytes: Uint8Array, opts: DecodePthOptions = {}): Map<string, RawTensor> {
  const format = detectFormat(bytes);
  if (format === 'pth-zip' || format === 'pth-legacy') return decodeRawPth(bytes, opts);
  if (format === 'safetensors') {
    const { tensors } = decodeRawSafetensors(bytes);
    const prefix = opts.stripPrefix;
    if (prefix === undefined || prefix === '') return tensors;
    const out = new Map<string, RawTensor>();
    for (const [k, v] of tensors) {
      const name = k.startsWith(prefix) ? k.slice(prefix.length) : k;
      if (out.has(name)) throw new CheckpointError(`two entries map to '${name}' after removing prefix '${prefix}'`);
      out.set(name, v);
    }
    return out;
  }
  if (bytes.length === 0) throw new CheckpointError('file is empty');
  throw new CheckpointError('unrecognised checkpoint format (expected a PyTorch .pth/.pt or a .safetensors file)', {
    offset: 0,
  });
}

/** Runs `read` and names `path` in any CheckpointError it throws (keeping the class, which callers test). */
export function namingFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CheckpointError && !e.message.startsWith(path)) e.message = `${path}: ${e.message}`;
    throw e;
  }
}

/** decodeRawStateDict on a file's contents. */
export async function loadRawStateDict(path: string, opts: DecodePthOptions = {}): Promise<Map<string, RawTensor>> {
  const bytes = await readFile(path);
  return namingFile(path, () => decodeRawStateDict(bytes, { alignInPlace: true, ...opts }));
}
