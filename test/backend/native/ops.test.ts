/**
 * Native and WebAssembly pooling, batch-norm, moments, elementwise and reduction kernels vs
 * float64 oracles written here (same semantics as the reference backend:
 * NaN propagation, first-max tie breaking, PyTorch's adaptive bins).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend, Pool2dParams } from '../../../src/backend/backend.js';
import { createNativeBackend } from '../../../src/backend/native/index.js';
import { loadWasmBackend, wasmLoadError } from '../../../src/backend/wasm/load-node.js';
import { addonOrSkip, makeRng, randomArray, relError } from '../../helpers/native.js';

const { addon, skip } = addonOrSkip('native/ops.test');

function poolParams(
  planes: number,
  inH: number,
  inW: number,
  k: number,
  s: number,
  pad: number,
  dil: number,
  ceil = false,
): Pool2dParams {
  const span = dil * (k - 1) + 1;
  const round = ceil ? Math.ceil : Math.floor;
  let outH = round((inH + 2 * pad - span) / s) + 1;
  let outW = round((inW + 2 * pad - span) / s) + 1;
  // PyTorch: the last window must start inside the padded input.
  if (ceil && (outH - 1) * s >= inH + pad) outH--;
  if (ceil && (outW - 1) * s >= inW + pad) outW--;
  return {
    planes,
    inH,
    inW,
    outH,
    outW,
    kernelH: k,
    kernelW: k,
    strideH: s,
    strideW: s,
    padH: pad,
    padW: pad,
    dilationH: dil,
    dilationW: dil,
  };
}

function naiveMaxPool(x: Float32Array, p: Pool2dParams): { y: number[]; idx: number[] } {
  const y: number[] = [];
  const idx: number[] = [];
  for (let c = 0; c < p.planes; c++) {
    for (let oy = 0; oy < p.outH; oy++) {
      for (let ox = 0; ox < p.outW; ox++) {
        let best = -Infinity;
        let bi = -1;
        let sawNaN = false;
        for (let ky = 0; ky < p.kernelH && !sawNaN; ky++) {
          const iy = oy * p.strideH - p.padH + ky * p.dilationH;
          if (iy < 0 || iy >= p.inH) continue;
          for (let kx = 0; kx < p.kernelW; kx++) {
            const ix = ox * p.strideW - p.padW + kx * p.dilationW;
            if (ix < 0 || ix >= p.inW) continue;
            const v = x[(c * p.inH + iy) * p.inW + ix];
            if (Number.isNaN(v)) {
              best = v;
              bi = iy * p.inW + ix;
              sawNaN = true;
              break;
            }
            if (bi < 0 || v > best) {
              best = v;
              bi = iy * p.inW + ix;
            }
          }
        }
        y.push(best);
        idx.push(bi);
      }
    }
  }
  return { y, idx };
}

function bins(out: number, size: number): Array<[number, number]> {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
}

const wasm = loadWasmBackend();
const kernelSets: Array<[string, () => Backend, string | false]> = [
  ['native', () => createNativeBackend(addon!), skip],
  ['wasm', () => wasm!, wasm ? false : `wasm backend unavailable: ${wasmLoadError()}`],
];

for (const [name, make, skipSet] of kernelSets) describeOps(name, make, skipSet);

function describeOps(name: string, make: () => Backend, skip: string | false): void {
  describe(`${name} pointwise, pooling and reductions`, { skip }, () => {
    test('maxPool2d and its backward', () => {
      const be = make();
      const rng = makeRng(21);
      const configs: Pool2dParams[] = [
        poolParams(6, 14, 15, 2, 2, 0, 1),
        poolParams(5, 13, 11, 3, 2, 1, 1, true),
        poolParams(3, 17, 17, 3, 1, 1, 2),
        poolParams(2, 7, 9, 3, 3, 1, 1, true),
      ];
      for (const p of configs) {
        const x = randomArray(p.planes * p.inH * p.inW, rng);
        x[3] = Number.NaN;
        x[x.length - 5] = Number.NaN;
        const { y, indices } = be.maxPool2d(x, p);
        const want = naiveMaxPool(x, p);
        assert.deepEqual([...indices], want.idx);
        assert.deepEqual(
          [...y],
          want.y.map((v) => Math.fround(v)),
        );
        const gy = randomArray(y.length, rng);
        const gx = be.maxPool2dBackward(gy, indices, p);
        const wantGx = new Float64Array(p.planes * p.inH * p.inW);
        for (let i = 0; i < gy.length; i++) {
          const plane = Math.floor(i / (p.outH * p.outW));
          if (indices[i] >= 0) wantGx[plane * p.inH * p.inW + indices[i]] += gy[i];
        }
        assert.ok(relError(gx, wantGx) <= 1e-6);
      }
    });

    test('maxPool2d 2x2/stride 2 keeps the first NaN, else the first maximum, in every window pattern', () => {
      const be = make();
      // Every assignment of {−0, +0, 1, NaN} to a window's four cells, one window per plane,
      // plus an odd-sized image whose last row and column no window covers.
      const values = [-0, 0, 1, Number.NaN];
      const x = new Float32Array(256 * 4);
      for (let w = 0; w < 256; w++)
        for (let cell = 0; cell < 4; cell++) x[w * 4 + cell] = values[(w >> (2 * cell)) & 3];
      const rng = makeRng(26);
      for (const [p, input] of [
        [poolParams(256, 2, 2, 2, 2, 0, 1), x],
        [poolParams(3, 9, 7, 2, 2, 0, 1), randomArray(3 * 9 * 7, rng)],
      ] as const) {
        const { y, indices } = be.maxPool2d(input, p);
        const want = naiveMaxPool(input, p);
        assert.deepEqual([...indices], want.idx);
        want.y.forEach((v, i) => assert.ok(Object.is(y[i], Math.fround(v)), `window ${i}: ${y[i]} vs ${v}`));
      }
    });

    test('adaptiveAvgPool2d and its backward', () => {
      const be = make();
      const rng = makeRng(22);
      for (const [planes, H, W, oh, ow] of [
        [4, 13, 11, 7, 7],
        [3, 7, 7, 7, 7],
        [2, 5, 6, 1, 1],
        [3, 4, 3, 7, 5],
      ]) {
        const x = randomArray(planes * H * W, rng);
        const y = be.adaptiveAvgPool2d(x, planes, H, W, oh, ow);
        const gy = randomArray(planes * oh * ow, rng);
        const gx = be.adaptiveAvgPool2dBackward(gy, planes, H, W, oh, ow);
        const wantY = new Float64Array(planes * oh * ow);
        const wantGx = new Float64Array(planes * H * W);
        for (let c = 0; c < planes; c++) {
          bins(oh, H).forEach(([y0, y1], oy) => {
            bins(ow, W).forEach(([x0, x1], ox) => {
              const count = (y1 - y0) * (x1 - x0);
              let s = 0;
              for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[(c * H + iy) * W + ix];
              wantY[(c * oh + oy) * ow + ox] = s / count;
              const g = gy[(c * oh + oy) * ow + ox] / count;
              for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) wantGx[(c * H + iy) * W + ix] += g;
            });
          });
        }
        assert.ok(relError(y, wantY) <= 1e-6, `forward ${planes}x${H}x${W} -> ${oh}x${ow}`);
        assert.ok(relError(gx, wantGx) <= 1e-6, `backward ${planes}x${H}x${W} -> ${oh}x${ow}`);
      }
    });

    test('batchNorm and channelMoments', () => {
      const be = make();
      const rng = makeRng(23);
      const [N, C, HW] = [3, 13, 37];
      const x = randomArray(N * C * HW, rng, 5);
      for (let i = 0; i < x.length; i++) x[i] += 100; // large mean: the two-pass variance matters
      const { mean, variance } = be.channelMoments(x, N, C, HW);
      const wantMean = new Float64Array(C);
      const wantVar = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let n = 0; n < N; n++) for (let i = 0; i < HW; i++) s += x[(n * C + c) * HW + i];
        const m = s / (N * HW);
        let v = 0;
        for (let n = 0; n < N; n++) for (let i = 0; i < HW; i++) v += (x[(n * C + c) * HW + i] - m) ** 2;
        wantMean[c] = m;
        wantVar[c] = v / (N * HW);
      }
      assert.ok(relError(mean, wantMean) <= 1e-12);
      assert.ok(relError(variance, wantVar) <= 1e-10);
      const m32 = Float32Array.from(mean);
      const inv = Float32Array.from(variance, (v) => 1 / Math.sqrt(v + 1e-5));
      const weight = randomArray(C, rng);
      const bias = randomArray(C, rng);
      for (const [w, b] of [
        [weight, bias],
        [null, null],
        [weight, null],
      ] as const) {
        const y = be.batchNorm(x, N, C, HW, m32, inv, w, b);
        const want = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const c = Math.floor(i / HW) % C;
          want[i] = (x[i] - m32[c]) * inv[c] * (w ? w[c] : 1) + (b ? b[c] : 0);
        }
        assert.ok(relError(y, want) <= 1e-5, `weight ${w !== null} bias ${b !== null}`);
      }
    });

    test('unary ops', () => {
      const be = make();
      const rng = makeRng(24);
      const x = randomArray(40000, rng, 6);
      x[0] = Number.NaN;
      x[1] = -0;
      x[2] = Infinity;
      x[3] = -Infinity;
      const fns = {
        neg: (v: number) => -v,
        exp: Math.exp,
        log: Math.log,
        sqrt: Math.sqrt,
        abs: Math.abs,
        relu: (v: number) => (v > 0 || Number.isNaN(v) ? v : 0),
        sigmoid: (v: number) => 1 / (1 + Math.exp(-v)),
        tanh: Math.tanh,
      } as const;
      for (const [op, fn] of Object.entries(fns) as Array<[keyof typeof fns, (v: number) => number]>) {
        const y = be.unary(op, x);
        for (let i = 0; i < x.length; i++) {
          const want = Math.fround(fn(x[i]));
          const ok =
            Object.is(y[i], want) ||
            (Number.isNaN(y[i]) && Number.isNaN(want)) ||
            Math.abs(y[i] - want) <= 1e-7 * Math.abs(want);
          assert.ok(ok, `${op}(${x[i]}) = ${y[i]}, want ${want}`);
        }
      }
    });

    test('binary ops with broadcasting strides', () => {
      const be = make();
      const rng = makeRng(25);
      const fns = {
        add: (a: number, b: number) => a + b,
        sub: (a: number, b: number) => a - b,
        mul: (a: number, b: number) => a * b,
        div: (a: number, b: number) => a / b,
        pow: Math.pow,
        max: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
        min: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
      } as const;
      // [outShape, aShape, bShape] with broadcasting (size-1 dims get stride 0).
      const layouts: Array<[number[], number[], number[]]> = [
        [
          [5, 7, 9],
          [5, 7, 9],
          [5, 7, 9],
        ],
        [
          [5, 7, 9],
          [5, 7, 9],
          [1, 7, 1],
        ],
        [
          [4, 3, 6],
          [1, 1, 1],
          [4, 3, 6],
        ],
        [
          [2, 3, 4, 5],
          [2, 1, 4, 1],
          [1, 3, 1, 5],
        ],
        [[300], [300], [1]],
        [[], [], []],
      ];
      const strides = (shape: number[], out: number[]) => {
        const s = new Array<number>(out.length).fill(0);
        let acc = 1;
        for (let d = out.length - 1; d >= 0; d--) {
          s[d] = shape[d] === 1 && out[d] !== 1 ? 0 : acc;
          acc *= shape[d];
        }
        return s;
      };
      for (const [out, aShape, bShape] of layouts) {
        const a = randomArray(
          aShape.reduce((p, d) => p * d, 1),
          rng,
          3,
        );
        const b = randomArray(
          bShape.reduce((p, d) => p * d, 1),
          rng,
          3,
        );
        if (a.length > 2) a[1] = Number.NaN;
        const as = strides(aShape, out);
        const bs = strides(bShape, out);
        const total = out.reduce((p, d) => p * d, 1);
        for (const [op, fn] of Object.entries(fns) as Array<[keyof typeof fns, (x: number, y: number) => number]>) {
          const y = be.binary(op, a, as, b, bs, out);
          assert.equal(y.length, total);
          for (let i = 0; i < total; i++) {
            let rem = i;
            let ia = 0;
            let ib = 0;
            for (let d = out.length - 1; d >= 0; d--) {
              const k = rem % out[d];
              rem = Math.floor(rem / out[d]);
              ia += k * as[d];
              ib += k * bs[d];
            }
            const want = Math.fround(fn(a[ia], b[ib]));
            assert.ok(
              Object.is(y[i], want) || (Number.isNaN(y[i]) && Number.isNaN(want)),
              `${op}(${a[ia]}, ${b[ib]}) = ${y[i]}, want ${want} (shape ${out})`,
            );
          }
        }
      }
      if (name === 'native')
        assert.throws(
          () => addon!.binary(0, new Float32Array(2), [1], new Float32Array(3), [1], [3], new Float32Array(3)),
          RangeError,
        );
      assert.ok(Object.is(be.binary('max', Float32Array.of(-0), [], Float32Array.of(0), [], [])[0], 0));
      assert.ok(Object.is(be.binary('min', Float32Array.of(0), [], Float32Array.of(-0), [], [])[0], -0));
    });

    test('sumAxis and maxAxis', () => {
      const be = make();
      const rng = makeRng(26);
      for (const [outer, size, inner] of [
        [3, 17, 1000],
        [1, 1000, 1],
        [7, 5, 3],
        [2, 0, 4],
        [40, 9, 600],
      ]) {
        const x = randomArray(outer * size * inner, rng);
        if (x.length > 10) x[7] = Number.NaN;
        const sums = be.sumAxis(x, outer, size, inner);
        const { values, indices } = be.maxAxis(x, outer, size, inner);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let s = 0;
            let best = -Infinity;
            let bk = 0;
            for (let k = 0; k < size; k++) {
              const v = x[(o * size + k) * inner + i];
              s += v;
              if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                bk = k;
              }
            }
            const j = o * inner + i;
            assert.ok(Object.is(sums[j], Math.fround(s)), `sum [${outer},${size},${inner}] at ${j}`);
            assert.equal(indices[j], bk);
            assert.ok(
              Object.is(values[j], size > 0 ? Math.fround(best) : NaN) ||
                (Number.isNaN(values[j]) && Number.isNaN(best)) ||
                size === 0,
            );
          }
        }
      }
    });
  });
}
