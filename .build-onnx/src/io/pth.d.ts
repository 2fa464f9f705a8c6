import { type RawTensor } from './raw-tensor.js';
export interface ReadPthOptions {
    /** Take the state dict from this entry of a checkpoint dict, e.g. 'state_dict' or 'model'. */
    key?: string;
    /** Remove this prefix (e.g. 'module.') from every key that starts with it. */
    stripPrefix?: string;
    /** Verify zip CRC-32s (default true). */
    checkCrc?: boolean;
    /**
     * Most bytes that may be allocated to make strided views contiguous
     * (default: twice the file size + 16 MiB). Contiguous tensors are views of
     * the input and cost nothing.
     */
    maxCopyBytes?: number;
}
export type PthLayout = 'zip' | 'legacy';
/** Which torch.save layout the bytes look like, judged from the first bytes only. */
export declare function pthLayout(bytes: Uint8Array): PthLayout | undefined;
/**
 * Reads the object stored in a checkpoint, with each tensor left as a lazy
 * TensorRef (call `materialize`). Useful to look at non-tensor entries such as
 * `epoch`; most callers want readPth.
 */
export declare function readPthObject(bytes: Uint8Array, opts?: ReadPthOptions): unknown;
/**
 * Reads a PyTorch checkpoint (either layout) and returns its state dict:
 * name -> contiguous tensor, in file order. Non-tensor entries are skipped.
 */
export declare function readPth(bytes: Uint8Array, opts?: ReadPthOptions): Map<string, RawTensor>;
