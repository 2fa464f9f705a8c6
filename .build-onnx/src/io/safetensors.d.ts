import { type RawTensor } from './raw-tensor.js';
/** Upstream's limit on the header size. */
export declare const MAX_HEADER_BYTES = 100000000;
export interface SafetensorsContent {
    tensors: Map<string, RawTensor>;
    metadata: Map<string, string>;
}
/** Parses and validates a safetensors file. Tensor data are views of `bytes` (no copy). */
export declare function readSafetensors(bytes: Uint8Array): SafetensorsContent;
/**
 * Serialises tensors (in the given order) and optional string metadata.
 * The header is padded with spaces so the data section starts 8-byte aligned.
 */
export declare function writeSafetensors(tensors: Map<string, RawTensor>, metadata?: Record<string, string> | Map<string, string>): Uint8Array;
