// The im2col side of convolution: cols[Cin·kh·kw, outH·outW] holds, for each kernel tap, the input
// pixel each output position reads (0 in the padding); col2im adds columns back onto an image (the
// adjoint, for the input gradient). The GEMMs around them run as separate tasks.
import { int, ptr, shareOf } from './simd';

// Argument slots shared by the two tasks.
const IMAGE = 0,
  COLS = 1,
  IN_C = 2,
  IN_H = 3,
  IN_W = 4,
  OUT_H = 5,
  OUT_W = 6,
  K_H = 7,
  K_W = 8;
const S_H = 9,
  S_W = 10,
  P_H = 11,
  P_W = 12,
  D_H = 13,
  D_W = 14;

/** Gathers (scatter = false) or scatter-adds (scatter = true) the column rows of channels [c0, c1). */
function walkColumns(args: usize, c0: i32, c1: i32, scatter: bool): void {
  const image = ptr(args, IMAGE);
  const cols = ptr(args, COLS);
  const inH = int(args, IN_H);
  const inW = int(args, IN_W);
  const outH = int(args, OUT_H);
  const outW = int(args, OUT_W);
  const kH = int(args, K_H);
  const kW = int(args, K_W);
  const sH = int(args, S_H);
  const sW = int(args, S_W);
  const pH = int(args, P_H);
  const pW = int(args, P_W);
  const dH = int(args, D_H);
  const dW = int(args, D_W);
  const plane = outH * outW;
  for (let c = c0; c < c1; c++) {
    const xc = image + ((<usize>c * inH * inW) << 2);
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = cols + ((<usize>((c * kH + ky) * kW + kx) * plane) << 2);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sH - pH + ky * dH;
          const out = row + ((<usize>oy * outW) << 2);
          if (iy < 0 || iy >= inH) {
            if (!scatter) memory.fill(out, 0, (<usize>outW) << 2);
            continue;
          }
          const xrow = xc + ((<usize>iy * inW) << 2);
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * sW - pW + kx * dW;
            const inside = ix >= 0 && ix < inW;
            const o = out + ((<usize>ox) << 2);
            if (scatter) {
              if (inside) {
                const at = xrow + ((<usize>ix) << 2);
                store<f32>(at, load<f32>(at) + load<f32>(o));
              }
            } else {
              store<f32>(o, inside ? load<f32>(xrow + ((<usize>ix) << 2)) : 0);
            }
          }
        }
      }
    }
  }
}

/** Thread tid's channels of im2col(image) -> cols. */
export function im2colTask(args: usize, tid: i32, nt: i32): void {
  const range = shareOf(int(args, IN_C), 1, tid, nt);
  walkColumns(args, <i32>(range >> 32), <i32>(range & 0xffffffff), false);
}

/** Thread tid's channels of image += col2im(cols); each channel owns its plane, so shares never overlap. */
export function col2imTask(args: usize, tid: i32, nt: i32): void {
  const range = shareOf(int(args, IN_C), 1, tid, nt);
  walkColumns(args, <i32>(range >> 32), <i32>(range & 0xffffffff), true);
}

/** y[C, plane] = bias[c] on every position of channel c (the GEMM then adds W·cols with beta = 1). */
export function fillBias(y: usize, bias: usize, C: i32, plane: i32): void {
  for (let c = 0; c < C; c++) {
    const v = load<f32>(bias + ((<usize>c) << 2));
    const row = y + ((<usize>c * plane) << 2);
    for (let i = 0; i < plane; i++) store<f32>(row + ((<usize>i) << 2), v);
  }
}
