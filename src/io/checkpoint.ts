/**
 * The checkpoint API in terms of library Tensors: load any supported file
 * into a Map<string, Tensor> ready for loadStateDict, and save a state dict
 * as safetensors or as a `.pth` that torch.load(weights_only=True) reads.
 */
import { writeFileAtomic } from '#platform/files';
import { Tensor } from '../tensor/tensor.js';
import { readStateDict, readStateDictFile } from './load.js';
import { fromFloat32, shapeNumel, toFloat32, type RawTensor } from './raw-tensor.js';
import type { ReadPthOptions } from './pth.js';
import { writePth } from './pth-writer.js';
import { writeSafetensors } from './safetensors.js';

export { writeFileAtomic };

export type LoadCheckpointOptions = Pick<ReadPthOptions, 'key' | 'stripPrefix'>;

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
 * Reads a PyTorch (.pth/.pt, zip or legacy layout) or safetensors checkpoint
 * from a path or bytes. `key` picks the state dict inside a training
 * checkpoint ({'epoch': …, 'state_dict': …}); `stripPrefix` removes e.g. the
 * 'module.' that DataParallel adds. Every dtype becomes float32.
 */
export async function loadCheckpoint(
  source: string | Uint8Array,
  opts: LoadCheckpointOptions = {},
): Promise<Map<string, Tensor>> {
  const raw = typeof source === 'string' ? await readStateDictFile(source, opts) : readStateDict(source, opts);
  return rawDictToTensors(raw);
}

export function rawDictToTensors(raw: ReadonlyMap<string, RawTensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of raw) out.set(k, rawToTensor(v));
  return out;
}

export interface SaveSafetensorsOptions {
  /** Written as `__metadata__.format`, as the safetensors PyTorch helpers do ('pt'). */
  format?: string;
  metadata?: Record<string, string>;
}

export function safetensorsBytes(
  stateDict: ReadonlyMap<string, Tensor>,
  opts: SaveSafetensorsOptions = {},
): Uint8Array {
  const metadata: Record<string, string> = { ...(opts.metadata ?? {}) };
  if (opts.format) metadata.format = opts.format;
  return writeSafetensors(toRawDict(stateDict), Object.keys(metadata).length ? metadata : undefined);
}

export async function saveSafetensors(
  path: string,
  stateDict: ReadonlyMap<string, Tensor>,
  opts: SaveSafetensorsOptions = {},
): Promise<void> {
  await writeFileAtomic(path, safetensorsBytes(stateDict, opts));
}

export function pthBytes(stateDict: ReadonlyMap<string, Tensor>): Uint8Array {
  return writePth(toRawDict(stateDict));
}

/** Writes PyTorch's zip layout; `torch.load(path, weights_only=True)` returns an OrderedDict of tensors. */
export async function savePth(path: string, stateDict: ReadonlyMap<string, Tensor>): Promise<void> {
  await writeFileAtomic(path, pthBytes(stateDict));
}
