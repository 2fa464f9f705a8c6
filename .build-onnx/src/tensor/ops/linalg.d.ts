import { Tensor } from '../tensor.js';
/**
 * a[..., M, K] @ b[..., K, N] -> [..., M, N]. Batch dimensions must match
 * exactly, or b may be a plain matrix shared by every batch entry.
 */
export declare function matmul(a: Tensor, b: Tensor): Tensor;
