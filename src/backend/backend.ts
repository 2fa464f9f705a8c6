/**
 * The kernel set every backend implements. Kernels work on raw, contiguous,
 * row-major Float32Arrays plus the sizes they need; they never see a Tensor,
 * so a native or WebAssembly backend can implement them without knowing the
 * autograd layer. Every output buffer is allocated by the caller or returned
 * fresh; kernels never keep references to their arguments.
 */
import type { PlanGraph } from './graph.js';
import type { CompileInferencePlanOptions, InferencePlan } from './plan.js';

/** The geometry of a sliding 2-D window: input and output sizes, kernel, stride, padding, dilation. */
export interface Window2d {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** Sizes shared by the conv2d kernels. */
export interface Conv2dParams extends Window2d {
  batch: number;
  inChannels: number;
  outChannels: number;
}

/** Sizes shared by the max-pool kernels (input and output are N·C planes). */
export interface Pool2dParams extends Window2d {
  planes: number;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'sigmoid' | 'tanh';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min';

/** One parameter's SGD hyper-parameters for `sgdStep` (PyTorch's names, camel-cased). */
export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * One Adam/AdamW step's float32 scalars, derived once per parameter by the
 * optimizer (nn/optim/adam.ts) so every backend uses the same values.
 */
export interface AdamStepScalars {
  b1: number;
  b2: number;
  oneMinusB1: number;
  oneMinusB2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam), when `l2`. */
  wd: number;
  l2: boolean;
  /** Decoupled decay factor 1 − lr·weightDecay applied to w first (AdamW), when `decoupled`. */
  decay: number;
  decoupled: boolean;
  /** −lr / (1 − β1^t) and √(1 − β2^t). */
  negStepSize: number;
  bc2Sqrt: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface Backend {
  readonly name: string;

  /**
   * Optional: prepares a whole model, lowered and fused by src/models/
   * (see graph.ts for what each op means), for repeated inference. Backends
   * without it run models layer by layer through the kernels below.
   */
  compileInferencePlan?(graph: PlanGraph, options: CompileInferencePlanOptions): InferencePlan;

  /**
   * C[M,N] = alpha · op(A) · op(B) + beta · C, all row-major and dense.
   * op(A) is A[M,K] or, with transA, the transpose of A stored as [K,M];
   * op(B) is B[K,N] or, with transB, the transpose of B stored as [N,K].
   */
  gemm(
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
  ): void;

  /** x[N,Cin,H,W] * w[Cout,Cin,kh,kw] + bias[Cout] -> y[N,Cout,outH,outW]. */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, p: Conv2dParams): Float32Array;
  /** gy[N,Cout,outH,outW], w -> gx[N,Cin,H,W]. */
  conv2dBackwardInput(gy: Float32Array, w: Float32Array, p: Conv2dParams): Float32Array;
  /** gy, x -> gw[Cout,Cin,kh,kw] (the bias gradient is a plain reduction of gy). */
  conv2dBackwardWeight(gy: Float32Array, x: Float32Array, p: Conv2dParams): Float32Array;

  /** x[planes,H,W] -> y[planes,outH,outW] and the flat in-plane index of each max (−inf padding). */
  maxPool2d(x: Float32Array, p: Pool2dParams): { y: Float32Array; indices: Int32Array };
  /** Scatter-adds gy into the positions recorded by maxPool2d. */
  maxPool2dBackward(gy: Float32Array, indices: Int32Array, p: Pool2dParams): Float32Array;
  /** PyTorch's adaptive bins: rows [floor(i·H/outH), ceil((i+1)·H/outH)). */
  adaptiveAvgPool2d(
    x: Float32Array,
    planes: number,
    inH: number,
    inW: number,
    outH: number,
    outW: number,
  ): Float32Array;
  adaptiveAvgPool2dBackward(
    gy: Float32Array,
    planes: number,
    inH: number,
    inW: number,
    outH: number,
    outW: number,
  ): Float32Array;

  /**
   * Per-channel affine normalisation of x[N,C,HW]: y = (x − mean[c]) · invStd[c] · weight[c] + bias[c].
   * The caller decides where mean and invStd come from (batch statistics or running ones).
   */
  batchNorm(
    x: Float32Array,
    N: number,
    C: number,
    HW: number,
    mean: Float32Array,
    invStd: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
  ): Float32Array;
  /**
   * Gradients of batchNorm given the upstream gradient g[N,C,HW], with sums in float64:
   * gWeight[c] = Σ g·x̂, gBias[c] = Σ g (x̂ = (x − mean)·invStd), and, when needInput,
   * gx = weight·invStd·(g − [Σ g + x̂·Σ g·x̂]/count) with the bracket only for batch statistics.
   */
  batchNormBackward(
    g: Float32Array,
    x: Float32Array,
    N: number,
    C: number,
    HW: number,
    mean: Float32Array,
    invStd: Float32Array,
    weight: Float32Array | null,
    batchStats: boolean,
    needInput: boolean,
  ): { gx: Float32Array | null; gWeight: Float32Array; gBias: Float32Array };
  /** Per-channel mean and biased variance of x[N,C,HW], accumulated in float64. */
  channelMoments(x: Float32Array, N: number, C: number, HW: number): { mean: Float64Array; variance: Float64Array };

  unary(op: UnaryOp, x: Float32Array): Float32Array;
  /**
   * One SGD update of w in place from its gradient, with PyTorch 1.13's order
   * (see nn/optim/sgd.ts) and float32 rounding wherever PyTorch stores a
   * temporary. `buf` is the momentum buffer (null without momentum); `first`
   * fills it from this step instead of decaying it.
   */
  sgdStep(w: Float32Array, grad: Float32Array, buf: Float32Array | null, first: boolean, o: SgdStepOptions): void;
  /**
   * One Adam/AdamW update of w in place, with the moment buffers m and v (and
   * vMax with amsgrad, else null); PyTorch 1.13's order and float32 rounding
   * points (see nn/optim/adam.ts).
   */
  adamStep(
    w: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vMax: Float32Array | null,
    s: AdamStepScalars,
  ): void;
  /** ReLU's gradient from its output: g where y > 0, else +0. */
  reluBackward(g: Float32Array, y: Float32Array): Float32Array;
  /** Broadcasting binary op: strides of 0 repeat an operand along that axis of outShape. */
  binary(
    op: BinaryOp,
    a: Float32Array,
    aStrides: readonly number[],
    b: Float32Array,
    bStrides: readonly number[],
    outShape: readonly number[],
  ): Float32Array;
  /** Views x as [outer, size, inner] and sums the middle axis -> [outer, inner]. */
  sumAxis(x: Float32Array, outer: number, size: number, inner: number): Float32Array;
  /** Views x as [outer, size, inner]; max and first argmax over the middle axis (NaN wins, as in PyTorch). */
  maxAxis(x: Float32Array, outer: number, size: number, inner: number): { values: Float32Array; indices: Int32Array };
}
