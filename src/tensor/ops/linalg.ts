/** Matrix products on top of the backend GEMM. */
import { backend } from '../../backend/registry.js';
import { ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';

/**
 * a[..., M, K] @ b[..., K, N] -> [..., M, N]. Batch dimensions must match
 * exactly, or b may be a plain matrix shared by every batch entry.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2)
    throw new ShapeError(
      `matmul needs tensors of rank ≥ 2, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`,
    );
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const shared = b.ndim === 2;
  if (K !== K2 || (!shared && aBatch.join() !== bBatch.join())) {
    throw new ShapeError(
      `mat1 and mat2 shapes cannot be multiplied (${shapeToString(a.shape)} and ${shapeToString(b.shape)})`,
    );
  }
  const batches = aBatch.reduce((p, d) => p * d, 1);
  const out = new Float32Array(batches * M * N);
  for (let i = 0; i < batches; i++) {
    backend().gemm(
      false,
      false,
      M,
      N,
      K,
      1,
      a.data.subarray(i * M * K, (i + 1) * M * K),
      shared ? b.data : b.data.subarray(i * K * N, (i + 1) * K * N),
      0,
      out.subarray(i * M * N, (i + 1) * M * N),
    );
  }
  return record(new Tensor(out, [...aBatch, M, N]), 'MmBackward', [a, b], (g) => {
    const ga = a.requiresGrad ? new Float32Array(a.numel) : null;
    const gb = b.requiresGrad ? new Float32Array(b.numel) : null;
    for (let i = 0; i < batches; i++) {
      const gi = g.data.subarray(i * M * N, (i + 1) * M * N);
      const ai = a.data.subarray(i * M * K, (i + 1) * M * K);
      const bi = shared ? b.data : b.data.subarray(i * K * N, (i + 1) * K * N);
      // dA = G · Bᵀ, dB = Aᵀ · G (accumulated over the batch when B is shared)
      if (ga) backend().gemm(false, true, M, K, N, 1, gi, bi, 0, ga.subarray(i * M * K, (i + 1) * M * K));
      if (gb)
        backend().gemm(
          true,
          false,
          K,
          N,
          M,
          1,
          ai,
          gi,
          shared ? 1 : 0,
          shared ? gb : gb.subarray(i * K * N, (i + 1) * K * N),
        );
    }
    return [ga && new Tensor(ga, a.shape), gb && new Tensor(gb, b.shape)];
  });
}
