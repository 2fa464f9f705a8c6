/**
 * Convolution as im2col + GEMM, one image at a time.
 * cols[Cin·kh·kw, outH·outW] holds, for each kernel tap, the input pixel each
 * output position reads (0 in the padding), so that
 *   y[n]  = W[Cout, Cin·kh·kw] · cols                (forward)
 *   gW   += gy[n] · colsᵀ                             (weight gradient)
 *   gcols = Wᵀ · gy[n], scattered back by col2im      (input gradient)
 */
import type { Conv2dParams } from '../backend.js';
import { im2colSizes } from '../window.js';
import { gemmBlocked } from './gemm.js';

/**
 * Walks every (column entry, input pixel) pair of the im2col matrix for one
 * image. Gathering fills cols from x (padding reads as 0); scattering adds
 * cols back onto x, which is the adjoint (col2im) used by the input gradient.
 */
function walkColumns(x: Float32Array, p: Conv2dParams, cols: Float32Array, scatter: boolean): void {
  const plane = p.outH * p.outW;
  let row = 0;
  for (let c = 0; c < p.inChannels; c++) {
    const xc = c * p.inH * p.inW;
    for (let ky = 0; ky < p.kernelH; ky++) {
      for (let kx = 0; kx < p.kernelW; kx++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < p.outH; oy++) {
          const iy = oy * p.strideH - p.padH + ky * p.dilationH;
          const out = base + oy * p.outW;
          if (iy < 0 || iy >= p.inH) {
            if (!scatter) cols.fill(0, out, out + p.outW);
            continue;
          }
          const xrow = xc + iy * p.inW;
          for (let ox = 0; ox < p.outW; ox++) {
            const ix = ox * p.strideW - p.padW + kx * p.dilationW;
            const inside = ix >= 0 && ix < p.inW;
            if (scatter) {
              if (inside) x[xrow + ix] += cols[out + ox];
            } else {
              cols[out + ox] = inside ? x[xrow + ix] : 0;
            }
          }
        }
      }
    }
  }
}

const im2col = (x: Float32Array, p: Conv2dParams, cols: Float32Array): void => walkColumns(x, p, cols, false);
const col2im = (cols: Float32Array, p: Conv2dParams, gx: Float32Array): void => walkColumns(gx, p, cols, true);

export function conv2dIm2col(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  p: Conv2dParams,
): Float32Array {
  const { plane, taps: K, inSize, outSize } = im2colSizes(p);
  const cols = new Float32Array(K * plane);
  const y = new Float32Array(p.batch * outSize);
  for (let n = 0; n < p.batch; n++) {
    const yn = y.subarray(n * outSize, (n + 1) * outSize);
    if (bias) for (let o = 0; o < p.outChannels; o++) yn.fill(bias[o], o * plane, (o + 1) * plane);
    im2col(x.subarray(n * inSize, (n + 1) * inSize), p, cols);
    gemmBlocked(false, false, p.outChannels, plane, K, 1, w, cols, bias ? 1 : 0, yn);
  }
  return y;
}

export function conv2dIm2colBackwardInput(gy: Float32Array, w: Float32Array, p: Conv2dParams): Float32Array {
  const { plane, taps: K, inSize, outSize } = im2colSizes(p);
  const gcols = new Float32Array(K * plane);
  const gx = new Float32Array(p.batch * inSize);
  for (let n = 0; n < p.batch; n++) {
    gemmBlocked(true, false, K, plane, p.outChannels, 1, w, gy.subarray(n * outSize, (n + 1) * outSize), 0, gcols);
    col2im(gcols, p, gx.subarray(n * inSize, (n + 1) * inSize));
  }
  return gx;
}

export function conv2dIm2colBackwardWeight(gy: Float32Array, x: Float32Array, p: Conv2dParams): Float32Array {
  const { plane, taps: K, inSize, outSize } = im2colSizes(p);
  const cols = new Float32Array(K * plane);
  const gw = new Float32Array(p.outChannels * K);
  for (let n = 0; n < p.batch; n++) {
    im2col(x.subarray(n * inSize, (n + 1) * inSize), p, cols);
    gemmBlocked(false, true, p.outChannels, K, plane, 1, gy.subarray(n * outSize, (n + 1) * outSize), cols, 1, gw);
  }
  return gw;
}
