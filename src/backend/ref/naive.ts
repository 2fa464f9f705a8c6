/**
 * Naive oracles: the textbook definitions, accumulated in float64, with no
 * blocking or reuse. Tests compare every fast kernel against these.
 */
import type { Conv2dParams } from '../backend.js';

/** alpha · op(A) · op(B) + beta · C0 in float64, with the layout rules of Backend.gemm (beta = 0 ignores C0, NaN included). */
export function naiveGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C0: Float32Array,
): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        acc += a * b;
      }
      C[i * N + j] = alpha * acc + (beta === 0 ? 0 : beta * C0[i * N + j]);
    }
  }
  return C;
}

/** Direct convolution: x[N,Cin,H,W] * w[Cout,Cin,kh,kw] + b -> y[N,Cout,outH,outW]. */
export function naiveConv2d(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  p: Conv2dParams,
): Float64Array {
  const plane = p.outH * p.outW;
  const y = new Float64Array(p.batch * p.outChannels * plane);
  if (bias)
    y.forEach((_, i) => {
      y[i] = bias[Math.floor(i / plane) % p.outChannels];
    });
  forEachTap(p, (xi, wi, yi) => {
    y[yi] += x[xi] * w[wi];
  });
  return y;
}

/** Visits every (input index, weight index, output index) triple of a convolution. */
function forEachTap(p: Conv2dParams, visit: (xi: number, wi: number, yi: number) => void): void {
  for (let n = 0; n < p.batch; n++) {
    for (let o = 0; o < p.outChannels; o++) {
      for (let oy = 0; oy < p.outH; oy++) {
        for (let ox = 0; ox < p.outW; ox++) {
          const yi = ((n * p.outChannels + o) * p.outH + oy) * p.outW + ox;
          for (let c = 0; c < p.inChannels; c++) {
            for (let ky = 0; ky < p.kernelH; ky++) {
              const iy = oy * p.strideH - p.padH + ky * p.dilationH;
              if (iy < 0 || iy >= p.inH) continue;
              for (let kx = 0; kx < p.kernelW; kx++) {
                const ix = ox * p.strideW - p.padW + kx * p.dilationW;
                if (ix < 0 || ix >= p.inW) continue;
                visit(
                  ((n * p.inChannels + c) * p.inH + iy) * p.inW + ix,
                  ((o * p.inChannels + c) * p.kernelH + ky) * p.kernelW + kx,
                  yi,
                );
              }
            }
          }
        }
      }
    }
  }
}

export function naiveConv2dBackwardInput(gy: Float32Array, w: Float32Array, p: Conv2dParams): Float64Array {
  const gx = new Float64Array(p.batch * p.inChannels * p.inH * p.inW);
  forEachTap(p, (xi, wi, yi) => {
    gx[xi] += gy[yi] * w[wi];
  });
  return gx;
}

export function naiveConv2dBackwardWeight(gy: Float32Array, x: Float32Array, p: Conv2dParams): Float64Array {
  const gw = new Float64Array(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
  forEachTap(p, (xi, wi, yi) => {
    gw[wi] += gy[yi] * x[xi];
  });
  return gw;
}
