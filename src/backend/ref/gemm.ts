/**
 * Blocked SGEMM in plain TypeScript.
 * C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, row-major.
 * A is [M,K] (or [K,M] when transA); B is [K,N] (or [N,K] when transB).
 *
 * Two loop orders, each streaming memory contiguously:
 * - B as [K,N]: the inner loop runs along a row of B and a row of C, with four
 *   rows of C updated together so each loaded B value is used four times;
 *   K and N are blocked so the B panel stays in cache. C is accumulated in a
 *   float64 copy and rounded once at the end.
 * - B as [N,K] (transB): rows of A and B are both contiguous in k, so each
 *   C value is a dot product; four of them share each loaded A value. This
 *   is the fully connected layer's case, where transposing a 100M-value
 *   weight on every call would cost more than the product itself.
 *
 * Both accumulate in float64 (JavaScript numbers), so the result is the exact
 * product rounded once: the reference sits closer to the true value than any
 * float32 implementation, and a value near a ReLU's or max-pool's decision
 * boundary falls on the side that float64 PyTorch would choose.
 */
const KC = 256;
const NC = 2048;

export function gemmBlocked(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C: Float32Array,
): void {
  scaleC(C, M * N, beta);
  if (M === 0 || N === 0 || K === 0 || alpha === 0) return;
  if (transB) {
    gemmDotRows(transA ? transposeMatrix(A, K, M) : A, M, N, K, alpha, B, C);
    return;
  }
  const acc = Float64Array.from(C.subarray(0, M * N));
  // A[i,k] lives at i*sa + k*ka.
  const sa = transA ? 1 : K;
  const ka = transA ? M : 1;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const j1 = Math.min(N, j0 + NC);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = i * N;
        const c1 = c0 + N;
        const c2 = c1 + N;
        const c3 = c2 + N;
        for (let k = k0; k < k1; k++) {
          const a0 = alpha * A[i * sa + k * ka];
          const a1 = alpha * A[(i + 1) * sa + k * ka];
          const a2 = alpha * A[(i + 2) * sa + k * ka];
          const a3 = alpha * A[(i + 3) * sa + k * ka];
          const b = k * N;
          for (let j = j0; j < j1; j++) {
            const bv = B[b + j];
            acc[c0 + j] += a0 * bv;
            acc[c1 + j] += a1 * bv;
            acc[c2 + j] += a2 * bv;
            acc[c3 + j] += a3 * bv;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = i * N;
        for (let k = k0; k < k1; k++) {
          const a0 = alpha * A[i * sa + k * ka];
          const b = k * N;
          for (let j = j0; j < j1; j++) acc[c0 + j] += a0 * B[b + j];
        }
      }
    }
  }
  C.set(acc);
}

/** C[i,j] += alpha · Σk A[i,k]·B[j,k] with A [M,K] and B [N,K] both row-major. */
function gemmDotRows(
  A: Float32Array,
  M: number,
  N: number,
  K: number,
  alpha: number,
  B: Float32Array,
  C: Float32Array,
): void {
  for (let i = 0; i < M; i++) {
    const a = i * K;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0; k < K; k++) {
        const av = A[a + k];
        s0 += av * B[b0 + k];
        s1 += av * B[b1 + k];
        s2 += av * B[b2 + k];
        s3 += av * B[b3 + k];
      }
      C[i * N + j] += alpha * s0;
      C[i * N + j + 1] += alpha * s1;
      C[i * N + j + 2] += alpha * s2;
      C[i * N + j + 3] += alpha * s3;
    }
    for (; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k] * B[j * K + k];
      C[i * N + j] += alpha * s;
    }
  }
}

function scaleC(C: Float32Array, n: number, beta: number): void {
  if (beta === 1) return;
  if (beta === 0) C.fill(0, 0, n);
  else for (let i = 0; i < n; i++) C[i] *= beta;
}

/** src[rows, cols] -> [cols, rows]. */
export function transposeMatrix(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  }
  return out;
}
