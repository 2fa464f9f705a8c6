import { gemmBlocked } from './gemm.js';
function im2col(x, p, cols) {
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
                        cols.fill(0, out, out + p.outW);
                        continue;
                    }
                    const xrow = xc + iy * p.inW;
                    for (let ox = 0; ox < p.outW; ox++) {
                        const ix = ox * p.strideW - p.padW + kx * p.dilationW;
                        cols[out + ox] = ix >= 0 && ix < p.inW ? x[xrow + ix] : 0;
                    }
                }
            }
        }
    }
}
/** The adjoint of im2col: adds each column entry back onto the input pixel it came from. */
function col2im(cols, p, gx) {
    const plane = p.outH * p.outW;
    let row = 0;
    for (let c = 0; c < p.inChannels; c++) {
        const xc = c * p.inH * p.inW;
        for (let ky = 0; ky < p.kernelH; ky++) {
            for (let kx = 0; kx < p.kernelW; kx++, row++) {
                const base = row * plane;
                for (let oy = 0; oy < p.outH; oy++) {
                    const iy = oy * p.strideH - p.padH + ky * p.dilationH;
                    if (iy < 0 || iy >= p.inH)
                        continue;
                    const xrow = xc + iy * p.inW;
                    for (let ox = 0; ox < p.outW; ox++) {
                        const ix = ox * p.strideW - p.padW + kx * p.dilationW;
                        if (ix >= 0 && ix < p.inW)
                            gx[xrow + ix] += cols[base + oy * p.outW + ox];
                    }
                }
            }
        }
    }
}
const taps = (p) => p.inChannels * p.kernelH * p.kernelW;
export function conv2dIm2col(x, w, bias, p) {
    const plane = p.outH * p.outW;
    const K = taps(p);
    const cols = new Float32Array(K * plane);
    const y = new Float32Array(p.batch * p.outChannels * plane);
    const inSize = p.inChannels * p.inH * p.inW;
    for (let n = 0; n < p.batch; n++) {
        const yn = y.subarray(n * p.outChannels * plane, (n + 1) * p.outChannels * plane);
        if (bias)
            for (let o = 0; o < p.outChannels; o++)
                yn.fill(bias[o], o * plane, (o + 1) * plane);
        im2col(x.subarray(n * inSize, (n + 1) * inSize), p, cols);
        gemmBlocked(false, false, p.outChannels, plane, K, 1, w, cols, bias ? 1 : 0, yn);
    }
    return y;
}
export function conv2dIm2colBackwardInput(gy, w, p) {
    const plane = p.outH * p.outW;
    const K = taps(p);
    const inSize = p.inChannels * p.inH * p.inW;
    const gcols = new Float32Array(K * plane);
    const gx = new Float32Array(p.batch * inSize);
    for (let n = 0; n < p.batch; n++) {
        gemmBlocked(true, false, K, plane, p.outChannels, 1, w, gy.subarray(n * p.outChannels * plane, (n + 1) * p.outChannels * plane), 0, gcols);
        col2im(gcols, p, gx.subarray(n * inSize, (n + 1) * inSize));
    }
    return gx;
}
export function conv2dIm2colBackwardWeight(gy, x, p) {
    const plane = p.outH * p.outW;
    const K = taps(p);
    const inSize = p.inChannels * p.inH * p.inW;
    const cols = new Float32Array(K * plane);
    const gw = new Float32Array(p.outChannels * K);
    for (let n = 0; n < p.batch; n++) {
        im2col(x.subarray(n * inSize, (n + 1) * inSize), p, cols);
        gemmBlocked(false, true, p.outChannels, K, plane, 1, gy.subarray(n * p.outChannels * plane, (n + 1) * p.outChannels * plane), cols, 1, gw);
    }
    return gw;
}
//# sourceMappingURL=conv.js.map