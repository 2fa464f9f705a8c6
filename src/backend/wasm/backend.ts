/**
 * The Backend of backend.ts on a WasmKernels instance: each kernel copies its arguments into the
 * module's memory, runs there (convolutions, GEMMs, max pools and batch norms on the worker threads
 * too) and copies the results out; every block it took is released before it returns.
 */
import type { Backend, BinaryOp, Conv2dParams, UnaryOp } from '../backend.js';
import { adamScalarArgs, poolArgs } from '../kernel-args.js';
import { im2colSizes } from '../window.js';
import {
  TASK_BATCH_NORM,
  TASK_BATCH_NORM_BACKWARD,
  TASK_CHANNEL_MOMENTS,
  TASK_COL2IM,
  TASK_MAX_POOL,
  TASK_MAX_POOL_BACKWARD,
  type WasmKernels,
} from './kernels.js';
import { convGeometry, directConv, directFits, directPackWeights } from './direct.js';
import { compileWasmPlan } from './plan.js';
import {
  gemmScratch as takeGemmScratch,
  im2colConv,
  im2colGeometry,
  isPointwise,
  runGemm as runGemmTask,
  scoped,
  winogradConv,
  winogradTransformWeights,
  type GemmCall,
} from './ops.js';
import { convWeightGradient } from './wgrad.js';

const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, relu: 5, sigmoid: 6, tanh: 7 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, max: 5, min: 6 };
/** Below this many values a per-plane or per-channel kernel stays on the calling thread (waking workers costs more). */
const PARALLEL_MIN_VALUES = 1 << 15;
/** Winograd pays for its transforms from this many input and output channels on, */
const WINOGRAD_MIN_CHANNELS = 8;
/** and from this many output positions over the batch (each call transforms the weights afresh). */
const WINOGRAD_MIN_POSITIONS = 1024;
/** The sizes of a forward convolution in WinogradCall's terms. */
function winogradSizes(p: Conv2dParams) {
  return {
    N: p.batch,
    C: p.inChannels,
    H: p.inH,
    W: p.inW,
    K: p.outChannels,
    OH: p.outH,
    OW: p.outW,
    padH: p.padH,
    padW: p.padW,
  };
}

/** Forward and input-gradient convolutions that Winograd F(4×4,3×3) serves. */
function winogradFits(p: Conv2dParams): boolean {
  return (
    p.batch * Math.min(p.outH * p.outW, p.inH * p.inW) >= WINOGRAD_MIN_POSITIONS &&
    p.kernelH === 3 &&
    p.kernelW === 3 &&
    p.strideH === 1 &&
    p.strideW === 1 &&
    p.dilationH === 1 &&
    p.dilationW === 1 &&
    p.inChannels >= WINOGRAD_MIN_CHANNELS &&
    p.outChannels >= WINOGRAD_MIN_CHANNELS
  );
}

export interface WasmBackendOptions {
  /**
   * 'auto': Winograd for 3×3 stride-1 convolutions with 8+ channels each way, else the direct kernel
   * for stride-1 ones with few input channels (./direct.ts), else im2col + GEMM; 'im2col': always the last.
   */
  conv?: 'auto' | 'im2col';
}

export function createWasmBackend(k: WasmKernels, o: WasmBackendOptions = {}): Backend {
  const useWinograd = (p: Conv2dParams): boolean => o.conv !== 'im2col' && winogradFits(p);
  const useDirect = (p: Conv2dParams): boolean => o.conv !== 'im2col' && directFits(convGeometry(p));
  const x = k.exports;
  const arena = k.arena;
  const gemmScratch = (what: string): number => takeGemmScratch(k, what);
  const runGemm = (g: GemmCall, scratch: number): void => runGemmTask(k, g, scratch);
  const geometry = im2colGeometry;

  const copyOut = (at: number, n: number): Float32Array => arena.f32(at, n).slice();
  const threadsFor = (values: number): number => (values < PARALLEL_MIN_VALUES ? 1 : k.threads);

  return {
    name: 'wasm',

    compileInferencePlan: (graph, options) => compileWasmPlan(k, graph, options),

    gemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      scoped(k, () => {
        const what = `a ${M}×${K} by ${K}×${N} matrix product`;
        const a = arena.copyIn(A.subarray(0, M * K), what);
        const b = arena.copyIn(B.subarray(0, K * N), what);
        const c = beta === 0 ? arena.alloc(M * N * 4, what) : arena.copyIn(C.subarray(0, M * N), what);
        const lda = transA ? M : K;
        const ldb = transB ? K : N;
        runGemm({ transA, transB, M, N, K, alpha, A: a, lda, B: b, ldb, beta, C: c, ldc: N }, gemmScratch(what));
        C.set(arena.f32(c, M * N));
      });
    },

    conv2d(xs, w, bias, p) {
      return scoped(k, () => {
        const what = `a ${p.inChannels}→${p.outChannels} convolution at batch ${p.batch}, ${p.inH}×${p.inW}`;
        const { outSize } = im2colSizes(p);
        const xAt = arena.copyIn(xs, what);
        const wAt = arena.copyIn(w, what);
        const bAt = bias ? arena.copyIn(bias, what) : 0;
        const y = arena.alloc(p.batch * outSize * 4, what);
        if (useWinograd(p)) {
          const weights = { w: wAt, K: p.outChannels, C: p.inChannels, wsk: p.inChannels * 9, wsc: 9, flip: false };
          const U = winogradTransformWeights(k, weights, what);
          winogradConv(k, { U, x: xAt, y, bias: bAt, relu: false, ...winogradSizes(p) }, what);
        } else if (useDirect(p)) {
          directConv(k, xAt, directPackWeights(k, wAt, convGeometry(p), what), bAt, false, y, p, what);
        } else {
          im2colConv(k, xAt, wAt, bAt, y, p, what);
        }
        return copyOut(y, p.batch * outSize);
      });
    },

    conv2dBackwardInput(gy, w, p) {
      return scoped(k, () => {
        const what = `the input gradient of a ${p.inChannels}→${p.outChannels} convolution at batch ${p.batch}`;
        const { plane, taps, inSize, outSize } = im2colSizes(p);
        const gyAt = arena.copyIn(gy, what);
        const wAt = arena.copyIn(w, what);
        if (useWinograd(p)) {
          const gxw = arena.alloc(p.batch * inSize * 4, what);
          const weights = { w: wAt, K: p.inChannels, C: p.outChannels, wsk: 9, wsc: taps, flip: true };
          const U = winogradTransformWeights(k, weights, what);
          const sizes = { N: p.batch, C: p.outChannels, H: p.outH, W: p.outW, K: p.inChannels, OH: p.inH, OW: p.inW };
          winogradConv(
            k,
            { U, x: gyAt, y: gxw, bias: 0, relu: false, ...sizes, padH: 2 - p.padH, padW: 2 - p.padW },
            what,
          );
          return copyOut(gxw, p.batch * inSize);
        }
        const pointwise = isPointwise(p);
        const gx = pointwise ? arena.alloc(p.batch * inSize * 4, what) : arena.zeros(p.batch * inSize, what);
        const gcols = pointwise ? 0 : arena.alloc(taps * plane * 4, what);
        const scratch = gemmScratch(what);
        for (let n = 0; n < p.batch; n++) {
          const image = gx + n * inSize * 4;
          runGemm(
            {
              transA: true,
              transB: false,
              M: taps,
              N: plane,
              K: p.outChannels,
              alpha: 1,
              A: wAt,
              lda: taps,
              B: gyAt + n * outSize * 4,
              ldb: plane,
              beta: 0,
              C: pointwise ? image : gcols,
              ldc: plane,
            },
            scratch,
          );
          if (!pointwise) k.run(TASK_COL2IM, [image, gcols, ...geometry(p)]);
        }
        return copyOut(gx, p.batch * inSize);
      });
    },

    conv2dBackwardWeight(gy, xs, p) {
      return scoped(k, () => {
        const what = `the weight gradient of a ${p.inChannels}→${p.outChannels} convolution at batch ${p.batch}`;
        return convWeightGradient(k, arena.copyIn(gy, what), arena.copyIn(xs, what), p, what);
      });
    },

    maxPool2d(xs, p) {
      return scoped(k, () => {
        const what = `a max pool over ${p.planes} planes of ${p.inH}×${p.inW}`;
        const n = p.planes * p.outH * p.outW;
        const xAt = arena.copyIn(xs, what);
        const y = arena.alloc(n * 4, what);
        const idx = arena.alloc(n * 4, what);
        k.run(TASK_MAX_POOL, [xAt, y, idx, ...poolArgs(p)], threadsFor(n));
        return { y: copyOut(y, n), indices: arena.i32(idx, n).slice() };
      });
    },

    maxPool2dBackward(gy, indices, p) {
      return scoped(k, () => {
        const what = `a max pool's gradient over ${p.planes} planes of ${p.inH}×${p.inW}`;
        const gyAt = arena.copyIn(gy, what);
        const idx = arena.copyIn(indices, what);
        const gx = arena.zeros(p.planes * p.inH * p.inW, what);
        k.run(TASK_MAX_POOL_BACKWARD, [gyAt, idx, gx, p.planes, p.inH * p.inW, p.outH * p.outW], threadsFor(gy.length));
        return copyOut(gx, p.planes * p.inH * p.inW);
      });
    },

    adaptiveAvgPool2d(xs, planes, inH, inW, outH, outW) {
      return scoped(k, () => {
        const what = `an adaptive average pool over ${planes} planes`;
        const xAt = arena.copyIn(xs, what);
        const y = arena.alloc(planes * outH * outW * 4, what);
        x.adaptiveAvgPool2d(xAt, y, planes, inH, inW, outH, outW);
        return copyOut(y, planes * outH * outW);
      });
    },

    adaptiveAvgPool2dBackward(gy, planes, inH, inW, outH, outW) {
      return scoped(k, () => {
        const what = `an adaptive average pool's gradient over ${planes} planes`;
        const gyAt = arena.copyIn(gy, what);
        const gx = arena.zeros(planes * inH * inW, what);
        x.adaptiveAvgPool2dBackward(gyAt, gx, planes, inH, inW, outH, outW);
        return copyOut(gx, planes * inH * inW);
      });
    },

    batchNorm(xs, N, C, HW, mean, invStd, weight, bias) {
      return scoped(k, () => {
        const what = `a batch norm over ${N}×${C}×${HW}`;
        const xAt = arena.copyIn(xs, what);
        const y = arena.alloc(N * C * HW * 4, what);
        const m = arena.copyIn(mean, what);
        const s = arena.copyIn(invStd, what);
        const wAt = weight ? arena.copyIn(weight, what) : 0;
        const bAt = bias ? arena.copyIn(bias, what) : 0;
        k.run(TASK_BATCH_NORM, [xAt, y, N, C, HW, m, s, wAt, bAt], threadsFor(xs.length));
        return copyOut(y, N * C * HW);
      });
    },

    batchNormBackward(g, xs, N, C, HW, mean, invStd, weight, batchStats, needInput) {
      return scoped(k, () => {
        const what = `a batch norm's gradient over ${N}×${C}×${HW}`;
        const gAt = arena.copyIn(g, what);
        const xAt = arena.copyIn(xs, what);
        const m = arena.copyIn(mean, what);
        const s = arena.copyIn(invStd, what);
        const wAt = weight ? arena.copyIn(weight, what) : 0;
        const gx = needInput ? arena.alloc(N * C * HW * 4, what) : 0;
        const gWeight = arena.alloc(C * 4, what);
        const gBias = arena.alloc(C * 4, what);
        k.run(
          TASK_BATCH_NORM_BACKWARD,
          [gAt, xAt, N, C, HW, m, s, wAt, +batchStats, gx, gWeight, gBias],
          threadsFor(xs.length),
        );
        return {
          gx: needInput ? copyOut(gx, N * C * HW) : null,
          gWeight: copyOut(gWeight, C),
          gBias: copyOut(gBias, C),
        };
      });
    },

    channelMoments(xs, N, C, HW) {
      return scoped(k, () => {
        const what = `the channel moments of ${N}×${C}×${HW}`;
        const xAt = arena.copyIn(xs, what);
        const mean = arena.alloc(C * 8, what);
        const variance = arena.alloc(C * 8, what);
        k.run(TASK_CHANNEL_MOMENTS, [xAt, N, C, HW, mean, variance], threadsFor(xs.length));
        return { mean: arena.f64(mean, C).slice(), variance: arena.f64(variance, C).slice() };
      });
    },

    unary(op, xs) {
      return scoped(k, () => {
        const what = `an elementwise ${op} of ${xs.length} values`;
        const xAt = arena.copyIn(xs, what);
        const y = arena.alloc(xs.length * 4, what);
        x.unary(UNARY_CODES[op], xAt, y, xs.length);
        return copyOut(y, xs.length);
      });
    },

    reluBackward(g, y) {
      return scoped(k, () => {
        const what = `a ReLU gradient of ${g.length} values`;
        const gAt = arena.copyIn(g, what);
        const yAt = arena.copyIn(y, what);
        const gx = arena.alloc(g.length * 4, what);
        x.reluBackward(gAt, yAt, gx, g.length);
        return copyOut(gx, g.length);
      });
    },

    sgdStep(w, grad, buf, first, o) {
      scoped(k, () => {
        const what = `an SGD step over ${w.length} parameters`;
        const wAt = arena.copyIn(w, what);
        const gAt = arena.copyIn(grad, what);
        const bAt = buf ? arena.copyIn(buf, what) : 0;
        const f = Math.fround;
        x.sgdStep(
          wAt,
          gAt,
          bAt,
          w.length,
          +first,
          +o.nesterov,
          +o.maximize,
          +(o.weightDecay !== 0),
          f(o.momentum),
          f(1 - o.dampening),
          f(o.weightDecay),
          f(-o.lr),
        );
        w.set(arena.f32(wAt, w.length));
        if (buf) buf.set(arena.f32(bAt, buf.length));
      });
    },

    adamStep(w, grad, m, v, vMax, s) {
      scoped(k, () => {
        const what = `an Adam step over ${w.length} parameters`;
        const wAt = arena.copyIn(w, what);
        const gAt = arena.copyIn(grad, what);
        const mAt = arena.copyIn(m, what);
        const vAt = arena.copyIn(v, what);
        const vMaxAt = vMax ? arena.copyIn(vMax, what) : 0;
        x.adamStep(wAt, gAt, mAt, vAt, vMaxAt, w.length, ...adamScalarArgs(s), +s.l2, +s.decoupled, +s.maximize);
        w.set(arena.f32(wAt, w.length));
        m.set(arena.f32(mAt, m.length));
        v.set(arena.f32(vAt, v.length));
        if (vMax) vMax.set(arena.f32(vMaxAt, vMax.length));
      });
    },

    binary(op, a, aStrides, b, bStrides, outShape) {
      return scoped(k, () => {
        const n = outShape.reduce((p, d) => p * d, 1);
        const what = `an elementwise ${op} of ${n} values`;
        const rank = outShape.length;
        const aAt = arena.copyIn(a, what);
        const bAt = arena.copyIn(b, what);
        const out = arena.alloc(n * 4, what);
        const meta = arena.alloc(rank * 16, what);
        const triples = arena.i32(meta, rank * 3);
        outShape.forEach((d, i) => triples.set([d, aStrides[i], bStrides[i]], 3 * i));
        x.binary(BINARY_CODES[op], aAt, bAt, out, n, meta, rank);
        return copyOut(out, n);
      });
    },

    sumAxis(xs, outer, size, inner) {
      return scoped(k, () => {
        const what = `a sum over ${outer}×${size}×${inner}`;
        const xAt = arena.copyIn(xs, what);
        const y = arena.alloc(outer * inner * 4, what);
        const acc = arena.alloc(inner * 8, what);
        x.sumAxis(xAt, y, acc, outer, size, inner);
        return copyOut(y, outer * inner);
      });
    },

    maxAxis(xs, outer, size, inner) {
      return scoped(k, () => {
        const what = `a max over ${outer}×${size}×${inner}`;
        const xAt = arena.copyIn(xs, what);
        const values = arena.alloc(outer * inner * 4, what);
        const indices = arena.alloc(outer * inner * 4, what);
        x.maxAxis(xAt, values, indices, outer, size, inner);
        return { values: copyOut(values, outer * inner), indices: arena.i32(indices, outer * inner).slice() };
      });
    },
  };
}
