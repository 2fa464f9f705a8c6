/**
 * The checkpoint API in terms of library Tensors: load any supported file
 * into a Map<string, Tensor> ready for loadStateDict, and save a state dict
 * as safetensors or as a `.pth` that torch.load(weights_only=True) reads.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { Tensor } from '../tensor/tensor.js';
import { readStateDict, readStateDictFile } from './load.js';
import { fromFloat32, shapeNumel, toFloat32 } from './raw-tensor.js';
import { writePth } from './pth-writer.js';
import { writeSafetensors } from './safetensors.js';
/**
 * Converts one record to a float32 Tensor. An aligned float32 record becomes
 * a view of the file's buffer, so loading costs no second copy of the weights.
 */
export function rawToTensor(raw) {
    const { data } = raw;
    if (raw.dtype === 'float32' && data.byteOffset % 4 === 0) {
        return new Tensor(new Float32Array(data.buffer, data.byteOffset, shapeNumel(raw.shape)), raw.shape);
    }
    return new Tensor(toFloat32(raw), raw.shape);
}
/** Buffers PyTorch keeps as integers: written as int64 so torch sees the dtype it saved. */
const INT64_BUFFER = /(^|\.)num_batches_tracked$/;
function tensorToRaw(key, t) {
    if (!INT64_BUFFER.test(key))
        return fromFloat32([...t.shape], t.data);
    const bytes = new Uint8Array(t.numel * 8);
    const view = new DataView(bytes.buffer);
    t.data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(Math.round(v)), true));
    return { dtype: 'int64', shape: [...t.shape], data: bytes };
}
function toRawDict(stateDict) {
    const out = new Map();
    for (const [k, t] of stateDict)
        out.set(k, tensorToRaw(k, t));
    return out;
}
/**
 * Reads a PyTorch (.pth/.pt, zip or legacy layout) or safetensors checkpoint
 * from a path or bytes. `key` picks the state dict inside a training
 * checkpoint ({'epoch': …, 'state_dict': …}); `stripPrefix` removes e.g. the
 * 'module.' that DataParallel adds. Every dtype becomes float32.
 */
export async function loadCheckpoint(source, opts = {}) {
    const raw = typeof source === 'string' ? await readStateDictFile(source, opts) : readStateDict(source, opts);
    return rawDictToTensors(raw);
}
export function rawDictToTensors(raw) {
    const out = new Map();
    for (const [k, v] of raw)
        out.set(k, rawToTensor(v));
    return out;
}
/** Writes next to the target and renames, so a crash never leaves a half-written checkpoint under the real name. */
export async function writeFileAtomic(path, bytes) {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
        await writeFile(tmp, bytes);
        await rename(tmp, path);
    }
    catch (e) {
        await rm(tmp, { force: true });
        throw e;
    }
}
export function safetensorsBytes(stateDict, opts = {}) {
    const metadata = { ...(opts.metadata ?? {}) };
    if (opts.format)
        metadata.format = opts.format;
    return writeSafetensors(toRawDict(stateDict), Object.keys(metadata).length ? metadata : undefined);
}
export async function saveSafetensors(path, stateDict, opts = {}) {
    await writeFileAtomic(path, safetensorsBytes(stateDict, opts));
}
export function pthBytes(stateDict) {
    return writePth(toRawDict(stateDict));
}
/** Writes PyTorch's zip layout; `torch.load(path, weights_only=True)` returns an OrderedDict of tensors. */
export async function savePth(path, stateDict) {
    await writeFileAtomic(path, pthBytes(stateDict));
}
//# sourceMappingURL=checkpoint.js.map