/** Pooling kernels over [planes, H, W] buffers. */
import type { Pool2dParams } from '../backend.js';
import { adaptiveBin } from '../adaptive-bin.js';

/** x[planes,H,W] -> y[planes,outH,outW]; padding reads as −inf; NaN propagates; first maximum wins. */
export function maxPool2d(x: Float32Array, p: Pool2dParams): { y: Float32Array; indices: Int32Array } {
  const outPlane = p.outH * p.outW;
  const y = new Float32Array(p.planes * outPlane);
  const indices = new Int32Array(p.planes * outPlane);
  for (let c = 0; c < p.planes; c++) {
    const xc = c * p.inH * p.inW;
    for (let oy = 0; oy < p.outH; oy++) {
      for (let ox = 0; ox < p.outW; ox++) {
        let best = -Infinity;
        let bestIndex = -1;
        for (let ky = 0; ky < p.kernelH; ky++) {
          const iy = oy * p.strideH - p.padH + ky * p.dilationH;
          if (iy < 0 || iy >= p.inH) continue;
          for (let kx = 0; kx < p.kernelW; kx++) {
            const ix = ox * p.strideW - p.padW + kx * p.dilationW;
            if (ix < 0 || ix >= p.inW) continue;
            const v = x[xc + iy * p.inW + ix];
            if (v > best || Number.isNaN(v) || bestIndex < 0) {
              best = v;
              bestIndex = iy * p.inW + ix;
              if (Number.isNaN(v)) break;
            }
          }
          if (Number.isNaN(best)) break;
        }
        const o = c * outPlane + oy * p.outW + ox;
        y[o] = best;
        indices[o] = bestIndex;
      }
    }
  }
  return { y, indices };
}

export function maxPool2dBackward(gy: Float32Array, indices: Int32Array, p: Pool2dParams): Float32Array {
  const inPlane = p.inH * p.inW;
  const outPlane = p.outH * p.outW;
  const gx = new Float32Array(p.planes * inPlane);
  for (let c = 0; c < p.planes; c++) {
    for (let o = 0; o < outPlane; o++) {
      const idx = indices[c * outPlane + o];
      if (idx >= 0) gx[c * inPlane + idx] += gy[c * outPlane + o];
    }
  }
  return gx;
}

/**
 * Visits every output cell `o` of an adaptive pool over [planes, H, W] -> [planes, outH, outW]
 * with its input bin: rows [y0, y1) and columns [x0, x1) of plane `c`.
 */
function forEachAdaptiveCell(
  planes: number,
  H: number,
  W: number,
  outH: number,
  outW: number,
  visit: (c: number, y0: number, y1: number, x0: number, x1: number, o: number) => void,
): void {
  for (let c = 0; c < planes; c++) {
    for (let oy = 0; oy < outH; oy++) {
      const [y0, y1] = adaptiveBin(oy, outH, H);
      for (let ox = 0; ox < outW; ox++) {
        const [x0, x1] = adaptiveBin(ox, outW, W);
        visit(c, y0, y1, x0, x1, (c * outH + oy) * outW + ox);
      }
    }
  }
}

export function adaptiveAvgPool2d(
  x: Float32Array,
  planes: number,
  H: number,
  W: number,
  outH: number,
  outW: number,
): Float32Array {
  const y = new Float32Array(planes * outH * outW);
  forEachAdaptiveCell(planes, H, W, outH, outW, (c, y0, y1, x0, x1, o) => {
    let acc = 0;
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) acc += x[(c * H + iy) * W + ix];
    }
    y[o] = acc / ((y1 - y0) * (x1 - x0));
  });
  return y;
}

export function adaptiveAvgPool2dBackward(
  gy: Float32Array,
  planes: number,
  H: number,
  W: number,
  outH: number,
  outW: number,
): Float32Array {
  const gx = new Float32Array(planes * H * W);
  forEachAdaptiveCell(planes, H, W, outH, outW, (c, y0, y1, x0, x1, o) => {
    const share = gy[o] / ((y1 - y0) * (x1 - x0));
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) gx[(c * H + iy) * W + ix] += share;
    }
  });
  return gx;
}
