const unaryFns = {
    neg: (x) => -x,
    exp: Math.exp,
    log: Math.log,
    sqrt: Math.sqrt,
    abs: Math.abs,
    relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh,
};
const binaryFns = {
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    mul: (a, b) => a * b,
    div: (a, b) => a / b,
    pow: Math.pow,
    max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
    min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};
export function unary(op, x) {
    const fn = unaryFns[op];
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++)
        out[i] = fn(x[i]);
    return out;
}
/** Walks outShape with an odometer, advancing each operand by its (possibly zero) strides. */
export function binary(op, a, aStrides, b, bStrides, outShape) {
    const fn = binaryFns[op];
    const n = outShape.reduce((p, d) => p * d, 1);
    const out = new Float32Array(n);
    if (a.length === n && b.length === n) {
        for (let i = 0; i < n; i++)
            out[i] = fn(a[i], b[i]);
        return out;
    }
    if (b.length === 1 && a.length === n) {
        const bv = b[0];
        for (let i = 0; i < n; i++)
            out[i] = fn(a[i], bv);
        return out;
    }
    const rank = outShape.length;
    const index = new Array(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < n; i++) {
        out[i] = fn(a[ia], b[ib]);
        for (let d = rank - 1; d >= 0; d--) {
            index[d]++;
            ia += aStrides[d];
            ib += bStrides[d];
            if (index[d] < outShape[d])
                break;
            ia -= aStrides[d] * outShape[d];
            ib -= bStrides[d] * outShape[d];
            index[d] = 0;
        }
    }
    return out;
}
export function sumAxis(x, outer, size, inner) {
    const acc = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
        for (let k = 0; k < size; k++) {
            const base = (o * size + k) * inner;
            for (let i = 0; i < inner; i++)
                acc[o * inner + i] += x[base + i];
        }
    }
    return Float32Array.from(acc);
}
export function maxAxis(x, outer, size, inner) {
    const values = new Float32Array(outer * inner);
    const indices = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
            let best = -Infinity;
            let bestK = 0;
            for (let k = 0; k < size; k++) {
                const v = x[(o * size + k) * inner + i];
                if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                    best = v;
                    bestK = k;
                }
            }
            values[o * inner + i] = size > 0 ? x[(o * size + bestK) * inner + i] : NaN;
            indices[o * inner + i] = bestK;
        }
    }
    return { values, indices };
}
export function batchNorm(x, N, C, HW, mean, invStd, weight, bias) {
    const y = new Float32Array(x.length);
    for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
            const scale = invStd[c] * (weight ? weight[c] : 1);
            const shift = (bias ? bias[c] : 0) - mean[c] * scale;
            const base = (n * C + c) * HW;
            for (let i = 0; i < HW; i++)
                y[base + i] = x[base + i] * scale + shift;
        }
    }
    return y;
}
/** Two-pass mean and biased variance per channel in float64 (stable for large activations). */
export function channelMoments(x, N, C, HW) {
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    const count = N * HW;
    for (let c = 0; c < C; c++) {
        let s = 0;
        for (let n = 0; n < N; n++) {
            const base = (n * C + c) * HW;
            for (let i = 0; i < HW; i++)
                s += x[base + i];
        }
        const m = s / count;
        let v = 0;
        for (let n = 0; n < N; n++) {
            const base = (n * C + c) * HW;
            for (let i = 0; i < HW; i++) {
                const d = x[base + i] - m;
                v += d * d;
            }
        }
        mean[c] = m;
        variance[c] = v / count;
    }
    return { mean, variance };
}
//# sourceMappingURL=pointwise.js.map