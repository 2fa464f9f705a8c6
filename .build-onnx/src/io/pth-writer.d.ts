import { type RawTensor } from './raw-tensor.js';
export interface WritePthOptions {
    /** Force zip64 records (only useful for testing readers). */
    forceZip64?: boolean;
}
/** Serialises tensors (in order) as `torch.save(OrderedDict(...))` would, zip layout. */
export declare function writePth(tensors: Map<string, RawTensor>, archiveName?: string, opts?: WritePthOptions): Uint8Array;
