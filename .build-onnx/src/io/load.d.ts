import { type ReadPthOptions } from './pth.js';
import type { RawTensor } from './raw-tensor.js';
export type CheckpointFormat = 'pth-zip' | 'pth-legacy' | 'safetensors';
/** Guesses the format from the first bytes; undefined when none matches. */
export declare function detectFormat(bytes: Uint8Array): CheckpointFormat | undefined;
/**
 * Reads a state dict from PyTorch or safetensors bytes. `key` and
 * `stripPrefix` apply to PyTorch files; `stripPrefix` to safetensors too.
 */
export declare function readStateDict(bytes: Uint8Array, opts?: ReadPthOptions): Map<string, RawTensor>;
/** Runs `read` and names `path` in any CheckpointError it throws (keeping the class, which callers test). */
export declare function namingFile<T>(path: string, read: () => T): T;
/** readStateDict on a file's contents. */
export declare function readStateDictFile(path: string, opts?: ReadPthOptions): Promise<Map<string, RawTensor>>;
