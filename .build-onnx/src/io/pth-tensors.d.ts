import { PyGlobal } from './pickle.js';
import { type DType, type RawTensor } from './raw-tensor.js';
/** The torch storage class name (e.g. "FloatStorage") for a dtype. */
export declare function storageTypeName(dtype: DType): string;
export declare function storageDtype(type: unknown, where: string): DType;
/**
 * A typed storage: `numel` elements of `dtype`. Either a root whose bytes are
 * attached with `attach()`, or (legacy format) a view of a root starting at
 * element `base`.
 */
export declare class StorageRef {
    readonly key: string;
    readonly dtype: DType;
    readonly numel: number;
    private readonly root?;
    private readonly base;
    private bytes;
    constructor(key: string, dtype: DType, numel: number, root?: StorageRef | undefined, base?: number);
    attach(bytes: Uint8Array): void;
    get attached(): boolean;
    /** The storage's bytes: exactly numel * itemsize of them. */
    data(): Uint8Array;
}
/** Byte budget shared by all copies made while reading one file. */
export declare class CopyBudget {
    private remaining;
    constructor(remaining: number);
    charge(bytes: number, what: string): void;
}
/** A tensor as described by the pickle: a strided view of a storage. */
export declare class TensorRef {
    readonly storage: StorageRef;
    readonly offset: number;
    readonly shape: readonly number[];
    readonly stride: readonly number[];
    constructor(storage: StorageRef, offset: number, shape: readonly number[], stride: readonly number[]);
    get dtype(): DType;
    /** Validates the view against its storage and returns a contiguous copy or view. */
    materialize(name: string, budget: CopyBudget): RawTensor;
}
/**
 * The unpickler `call` hook for torch's tensor-rebuilding functions. Returns
 * TensorRefs; anything else is left to the unpickler (NOT_HANDLED).
 */
export declare function rebuildCall(fn: PyGlobal, args: readonly unknown[], where: string): unknown;
