/**
 * Every backend's kernels against the naive float64 oracles on random shapes:
 * odd sizes, all transposes, strides, padding and dilation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  naiveConv2d,
  naiveConv2dBackwardInput,
  naiveConv2dBackwardWeight,
  naiveGemm,
} from '../../src/backend/ref/naive.js';
import { listBackends, setBackend, backend } from '../../src/backend/registry.js';
import { testBackends } from '../helpers/backends.js';
import type { Conv2dParams } from '../../src/backend/backend.js';
import { Generator } from '../../src/tensor/rng.js';
import { relError } from '../helpers/golden.js';
import { convParams } from '../helpers/native.js';

const gen = new Generator(1234);
const random = (n: number): Float32Array => {
  const a = new Float32Array(n);
  gen.fillUniform(a, -1, 1);
  return a;
};
const int = (lo: number, hi: number): number => lo + gen.randint(hi - lo + 1);

function randomConv(): Conv2dParams {
  // Drawn in this order (the kernel first: the padding depends on it) so the cases stay the same.
  const kernelH = int(1, 4);
  const kernelW = int(1, 4);
  const p = convParams({
    batch: int(1, 3),
    inC: int(1, 19),
    outC: int(1, 21),
    inH: int(5, 17),
    inW: int(5, 17),
    k: [kernelH, kernelW],
    stride: [int(1, 3), int(1, 3)],
    pad: [int(0, kernelH), int(0, kernelW)],
    dilation: [int(1, 2), int(1, 2)],
  });
  return p.outH >= 1 && p.outW >= 1 ? p : randomConv();
}

for (const name of testBackends()) {
  describe(`kernels [${name}] vs naive oracles`, () => {
    it('gemm: all transposes, alpha and beta, odd sizes', () => {
      const b = setBackend(name);
      for (let trial = 0; trial < 40; trial++) {
        const [M, N, K] = [int(1, 70), int(1, 70), int(1, 300)];
        const transA = trial % 2 === 1;
        const transB = trial % 4 >= 2;
        const alpha = [1, 0.5, -2][trial % 3];
        const beta = [0, 1, 0.25][trial % 3];
        const A = random(M * K);
        const B = random(K * N);
        const C0 = random(M * N);
        const fast = C0.slice();
        b.gemm(transA, transB, M, N, K, alpha, A, B, beta, fast);
        const slow = naiveGemm(transA, transB, M, N, K, alpha, A, B, beta, C0);
        const err = relError(fast, slow);
        assert.ok(err <= 1e-5, `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}x${N}x${K}: ${err}`);
      }
    });

    it('gemm A·Bᵀ with few rows (a Linear at small batch), K long enough to be blocked', () => {
      const b = setBackend(name);
      const shapes = [
        [1, 7, 70000],
        [3, 6, 30001],
        [5, 9, 14001],
        [8, 33, 9000],
        [13, 5, 6003],
        [16, 20, 4100],
      ];
      // Its own generator, so the other tests keep their cases.
      const own = new Generator(99);
      const draw = (n: number): Float32Array => {
        const a = new Float32Array(n);
        own.fillUniform(a, -1, 1);
        return a;
      };
      shapes.forEach(([M, N, K], trial) => {
        const alpha = [1, 0.5, -2][trial % 3];
        const beta = [0, 1, 0.25][trial % 3];
        const A = draw(M * K);
        const B = draw(N * K);
        const C0 = draw(M * N);
        const fast = C0.slice();
        b.gemm(false, true, M, N, K, alpha, A, B, beta, fast);
        const err = relError(fast, naiveGemm(false, true, M, N, K, alpha, A, B, beta, C0));
        assert.ok(err <= 1e-5, `gemm NT ${M}x${N}x${K}: ${err}`);
      });
    });

    it('conv2d forward and both gradients on random geometries', () => {
      const b = setBackend(name);
      for (let trial = 0; trial < 30; trial++) {
        const p = randomConv();
        const x = random(p.batch * p.inChannels * p.inH * p.inW);
        const w = random(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
        const bias = random(p.outChannels);
        const gy = random(p.batch * p.outChannels * p.outH * p.outW);
        const shape = JSON.stringify(p);
        assert.ok(relError(b.conv2d(x, w, bias, p), naiveConv2d(x, w, bias, p)) <= 1e-5, `forward ${shape}`);
        assert.ok(
          relError(b.conv2dBackwardInput(gy, w, p), naiveConv2dBackwardInput(gy, w, p)) <= 1e-5,
          `input grad ${shape}`,
        );
        assert.ok(
          relError(b.conv2dBackwardWeight(gy, x, p), naiveConv2dBackwardWeight(gy, x, p)) <= 1e-5,
          `weight grad ${shape}`,
        );
      }
    });

    it('reluBackward passes g exactly where y > 0 and +0 elsewhere', () => {
      const b = setBackend(name);
      const n = 50001;
      const y = random(n);
      const g = random(n);
      y.set([0, -0, Number.NaN, Infinity, -Infinity, 1e-45]);
      g.set([1, 1, 1, -0, Number.NaN, 2], 0);
      const gx = b.reluBackward(g, y);
      assert.equal(gx.length, n);
      for (let i = 0; i < n; i++) assert.ok(Object.is(gx[i], y[i] > 0 ? g[i] : 0), `y ${y[i]}, g ${g[i]} -> ${gx[i]}`);
    });

    it("sgdStep: PyTorch's update order and float32 rounding points, bit for bit", () => {
      const b = setBackend(name);
      const f = Math.fround;
      const n = 40003;
      for (const o of [
        { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, maximize: false },
        { lr: 0.03, momentum: 0.8, dampening: 0.25, weightDecay: 0, nesterov: false, maximize: true },
        { lr: 0.5, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false },
      ]) {
        const w = random(n);
        const grad = random(n);
        const buf = o.momentum ? random(n) : null;
        const want = { w: w.slice(), buf: buf?.slice() ?? null };
        for (let i = 0; i < n; i++) {
          let d = o.maximize ? -grad[i] : grad[i];
          if (o.weightDecay) d = f(d + f(o.weightDecay) * w[i]);
          if (want.buf) {
            want.buf[i] = f(f(want.buf[i] * f(o.momentum)) + f(1 - o.dampening) * d);
            d = o.nesterov ? f(d + f(o.momentum) * want.buf[i]) : want.buf[i];
          }
          want.w[i] = f(w[i] + f(-o.lr) * d);
        }
        b.sgdStep(w, grad, buf, false, o);
        assert.deepEqual(w, want.w, JSON.stringify(o));
        assert.deepEqual(buf, want.buf, JSON.stringify(o));
      }
      // The first momentum step fills the buffer with the decayed gradient.
      const w = random(n);
      const grad = random(n);
      const buf = new Float32Array(n);
      const o = { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 1e-3, nesterov: false, maximize: false };
      const d = Float32Array.from(grad, (g, i) => f(g + f(1e-3) * w[i]));
      const wantW = Float32Array.from(w, (v, i) => f(v + f(-0.1) * d[i]));
      b.sgdStep(w, grad, buf, true, o);
      assert.deepEqual(buf, d);
      assert.deepEqual(w, wantW);
    });

    it("adamStep: Adam and AdamW with PyTorch's rounding points, bit for bit", () => {
      const b = setBackend(name);
      const f = Math.fround;
      const n = 40003;
      const cases = [
        { decoupled: false, amsgrad: false, maximize: false, weightDecay: 0.01, step: 1 },
        { decoupled: true, amsgrad: true, maximize: false, weightDecay: 0.05, step: 7 },
        { decoupled: false, amsgrad: true, maximize: true, weightDecay: 0, step: 3 },
      ];
      for (const c of cases) {
        const [lr, beta1, beta2, eps] = [1e-3, 0.9, 0.999, 1e-8];
        const s = {
          b1: f(beta1),
          b2: f(beta2),
          oneMinusB1: f(1 - beta1),
          oneMinusB2: f(1 - beta2),
          eps: f(eps),
          wd: f(c.weightDecay),
          l2: !c.decoupled && c.weightDecay !== 0,
          decay: f(1 - lr * c.weightDecay),
          decoupled: c.decoupled,
          negStepSize: f(-(lr / (1 - beta1 ** c.step))),
          bc2Sqrt: f(Math.sqrt(1 - beta2 ** c.step)),
          amsgrad: c.amsgrad,
          maximize: c.maximize,
        };
        const w = random(n);
        const grad = random(n);
        const m = random(n);
        const v = random(n).map(Math.abs);
        const vMax = c.amsgrad ? random(n).map(Math.abs) : null;
        vMax?.set([0, 0.5]);
        const want = { w: w.slice(), m: m.slice(), v: v.slice(), vMax: vMax?.slice() ?? null };
        for (let i = 0; i < n; i++) {
          let p = c.decoupled ? f(w[i] * s.decay) : w[i];
          let g = c.maximize ? -grad[i] : grad[i];
          if (s.l2) g = f(g + s.wd * p);
          want.m[i] = f(f(m[i] * s.b1) + s.oneMinusB1 * g);
          want.v[i] = f(f(v[i] * s.b2) + f(f(s.oneMinusB2 * g) * g));
          let second = want.v[i];
          if (want.vMax) {
            want.vMax[i] = Math.max(want.vMax[i], want.v[i]);
            second = want.vMax[i];
          }
          p = f(p + f(f(s.negStepSize * want.m[i]) / f(f(f(Math.sqrt(second)) / s.bc2Sqrt) + s.eps)));
          want.w[i] = p;
        }
        b.adamStep(w, grad, m, v, vMax, s);
        const label = JSON.stringify(c);
        assert.deepEqual(m, want.m, label);
        assert.deepEqual(v, want.v, label);
        assert.deepEqual(vMax, want.vMax, label);
        assert.deepEqual(w, want.w, label);
      }
    });

    it('the VGG 3x3 shapes, including a 224-pixel first layer', () => {
      const b = setBackend(name);
      for (const [C, O, H, W] of [
        [3, 64, 224, 224],
        [64, 128, 28, 28],
        [512, 512, 2, 1],
        [35, 13, 9, 31],
      ]) {
        const p = convParams({ batch: 1, inC: C, outC: O, inH: H, inW: W, k: [3, 3], pad: [1, 1] });
        const x = random(C * H * W);
        const w = random(O * C * 9);
        const err = relError(b.conv2d(x, w, null, p), naiveConv2d(x, w, null, p));
        assert.ok(err <= 1e-5, `${C}->${O} at ${H}x${W}: ${err}`);
      }
    });
  });
}

describe('backend registry', () => {
  it('lists the reference backend and refuses unknown names', () => {
    assert.ok(listBackends().includes('ref'));
    assert.throws(() => setBackend('nope'), /unknown backend "nope"/);
    setBackend('ref');
    assert.equal(backend().name, 'ref');
  });
});
