/**
 * The neutral tensor record that every checkpoint reader returns and every
 * writer accepts. It deliberately depends on nothing else in the library so
 * the file-format code can be used (and tested) on its own.
 */
export type DType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
export interface RawTensor {
    dtype: DType;
    shape: number[];
    /**
     * Little-endian, C-contiguous, exactly numel * itemsize bytes. Readers may
     * return views into the input file's buffer (no copy), so treat it as
     * read-only unless you made it yourself.
     */
    data: Uint8Array;
}
/** A state dict: parameter name -> tensor, in file order. */
export type StateDict = Map<string, RawTensor>;
export declare const DTYPES: readonly DType[];
export declare function isDType(s: unknown): s is DType;
export declare function itemSize(dtype: DType): number;
/**
 * Number of elements of a shape, or throws RangeError if the shape is not a
 * list of non-negative safe integers or the product is not a safe integer.
 * Callers that validate file content turn this into their own CheckpointError.
 */
export declare function shapeNumel(shape: readonly number[]): number;
/** Bytes a tensor of this dtype and shape occupies. */
export declare function byteLength(dtype: DType, shape: readonly number[]): number;
/**
 * Converts any dtype to a fresh float32 array (never aliasing `t.data`).
 * float64 and int64 values are rounded to the nearest float32, like
 * `tensor.float()` in PyTorch.
 */
export declare function toFloat32(t: RawTensor): Float32Array;
/** Wraps float32 values (copied) as a float32 RawTensor of the given shape. */
export declare function fromFloat32(shape: readonly number[], values: Float32Array): RawTensor;
