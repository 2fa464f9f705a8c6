import { Tensor } from '../tensor/tensor.js';
import { type RawTensor } from './raw-tensor.js';
import type { ReadPthOptions } from './pth.js';
export type LoadCheckpointOptions = Pick<ReadPthOptions, 'key' | 'stripPrefix'>;
/**
 * Converts one record to a float32 Tensor. An aligned float32 record becomes
 * a view of the file's buffer, so loading costs no second copy of the weights.
 */
export declare function rawToTensor(raw: RawTensor): Tensor;
/**
 * Reads a PyTorch (.pth/.pt, zip or legacy layout) or safetensors checkpoint
 * from a path or bytes. `key` picks the state dict inside a training
 * checkpoint ({'epoch': …, 'state_dict': …}); `stripPrefix` removes e.g. the
 * 'module.' that DataParallel adds. Every dtype becomes float32.
 */
export declare function loadCheckpoint(source: string | Uint8Array, opts?: LoadCheckpointOptions): Promise<Map<string, Tensor>>;
export declare function rawDictToTensors(raw: ReadonlyMap<string, RawTensor>): Map<string, Tensor>;
/** Writes next to the target and renames, so a crash never leaves a half-written checkpoint under the real name. */
export declare function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void>;
export interface SaveSafetensorsOptions {
    /** Written as `__metadata__.format`, as the safetensors PyTorch helpers do ('pt'). */
    format?: string;
    metadata?: Record<string, string>;
}
export declare function safetensorsBytes(stateDict: ReadonlyMap<string, Tensor>, opts?: SaveSafetensorsOptions): Uint8Array;
export declare function saveSafetensors(path: string, stateDict: ReadonlyMap<string, Tensor>, opts?: SaveSafetensorsOptions): Promise<void>;
export declare function pthBytes(stateDict: ReadonlyMap<string, Tensor>): Uint8Array;
/** Writes PyTorch's zip layout; `torch.load(path, weights_only=True)` returns an OrderedDict of tensors. */
export declare function savePth(path: string, stateDict: ReadonlyMap<string, Tensor>): Promise<void>;
