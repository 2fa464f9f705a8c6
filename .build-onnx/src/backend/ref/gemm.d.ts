export declare function gemmBlocked(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float32Array, B: Float32Array, beta: number, C: Float32Array): void;
/** src[rows, cols] -> [cols, rows]. */
export declare function transposeMatrix(src: Float32Array, rows: number, cols: number): Float32Array;
