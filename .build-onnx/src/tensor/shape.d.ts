export type Shape = readonly number[];
export declare function numel(shape: Shape): number;
/** Row-major strides of a contiguous tensor. */
export declare function contiguousStrides(shape: Shape): number[];
export declare function shapeToString(shape: Shape): string;
export declare function sameShape(a: Shape, b: Shape): boolean;
export declare function checkShape(shape: Shape): number[];
/** Resolves a possibly negative dimension index against a rank, as PyTorch does. */
export declare function normalizeDim(dim: number, rank: number): number;
/** NumPy/PyTorch broadcasting of two shapes. */
export declare function broadcastShapes(a: Shape, b: Shape): number[];
/** Strides that read a contiguous tensor of `shape` as if broadcast to `outShape` (0 on repeated axes). */
export declare function broadcastStrides(shape: Shape, outShape: Shape): number[];
/** Splits a shape around one axis into [outer, size, inner] so kernels see a 3-D view. */
export declare function splitAt(shape: Shape, dim: number): [number, number, number];
