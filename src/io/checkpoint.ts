/**
 * The checkpoint API in terms of library Tensors: decode (bytes) or load (a
 * file) any supported format into a Map<string, Tensor> ready for
 * loadStateDict, and encode or save a state dict as safetensors or as a
 * `.pth` that torch.load(weights_only=True) reads.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { Tensor } from '../tensor/tensor.js';
import { decodeRawStateDict, loadRawStateDict } from './load.js';
import { fromFloat32, shapeNumel, toFloat32, type RawTensor } from './raw-tensor.js';
import type { DecodePthOptions } from './pth.js';
import { encodeRawPth } from './pth-writer.js';
import { encodeRawSafetensors } from './safetensors.js';

export type LoadCheckpointOptions = Pick<DecodePthOptions, 'key' | 'stripPrefix'>;

/**
 * Converts one record to a float32 Tensor. An aligned float32 record becomes
 * a view of the file's buffer, so loading costs no second copy of the weights.
 */
export function rawToTensor(raw: RawTensor): Tensor {
  const { data } = raw;
  if (raw.dtype === 'float32' && data.byteOffset % 4 === 0) {
    return new Tensor(new Float32Array(data.buffer, data.byteOffset, shapeNumel(raw.shape)), raw.shape);
  }
  return new Tensor(toFloat32(raw), raw.shape);
}

/** Buffers PyTorch keeps as integers: written as int64 so torch sees the dtype it saved. */
const INT64_BUFFER = /(^|\.)num_batches_tracked$/;

function tensorToRaw(key: string, t: Tensor): RawTensor {
  if (!INT64_BUFFER.test(key)) return fromFloat32([...t.shape], t.data);
  const bytes = new Uint8Array(t.numel * 8);
  const view = new DataView(bytes.buffer);
  t.data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(Math.round(v)), true));
  return { dtype: 'int64', shape: [...t.shape], data: bytes };
}

function toRawDict(stateDict: ReadonlyMap<string, Tensor>): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  for (const [k, t] of stateDict) out.set(k, tensorToRaw(k, t));
  return out;
}

/**
 * Decodes a PyTorch (.pth/.pt, zip or legacy layout) or safetensors
 * checkpoint. `key` picks the state dict inside a training checkpoint
 * ({'epoch': …, 'state_dict': …}); `stripPrefix` removes e.g. the 'module.'
 * that DataParallel adds. Every dtype becomes float32.
 */
export function decodeCheckpoint(bytes: Uint8Array, opts: LoadCheckpointOptions = {}): Map<string, Tensor> {
  return rawDictToTensors(decodeRawStateDict(bytes, opts));
}

/** decodeCheckpoint on the file at `path` (float32 records become views of the file's buffer, without a copy). */
export async function loadCheckpoint(path: string, opts: LoadCheckpointOptions = {}): Promise<Map<string, Tensor>> {
  return rawDictToTensors(await loadRawStateDict(path, opts));
}

export function rawDictToTensors(raw: ReadonlyMap<string, RawTensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of raw) out.set(k, rawToTensor(v));
  return out;
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

export interface SafetensorsOptions {
  /** Written as `__metadata__.format`, as the safetensors PyTorch helpers do ('pt'). */
  format?: string;
  metadata?: Record<string, string>;
}

/** A state dict as safetensors bytes (float32, num_batches_tracked as int64), in the map's order. */
export function encodeSafetensors(stateDict: ReadonlyMap<string, Tensor>, opts: SafetensorsOptions = {}): Uint8Array {
  const metadata: Record<string, string> = { ...(opts.metadata ?? {}) };
  if (opts.format) metadata.format = opts.format;
  return encodeRawSafetensors(toRawDict(stateDict), Object.keys(metadata).length ? metadata : undefined);
}

/** encodeSafetensors, written to `path` atomically. */
export async function saveSafetensors(
  path: string,
  stateDict: ReadonlyMap<string, Tensor>,
  opts: SafetensorsOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(stateDict, opts));
}

/** A state dict as the bytes of PyTorch's zip layout (what savePth writes). */
export function encodePth(stateDict: ReadonlyMap<string, Tensor>): Uint8Array {
  return encodeRawPth(toRawDict(stateDict));
}

/** Writes PyTorch's zip layout; `torch.load(path, weights_only=True)` returns an OrderedDict of tensors. */
export async function savePth(path: string, stateDict: ReadonlyMap<string, Tensor>): Promise<void> {
  await writeFileAtomic(path, encodePth(stateDict));
}
