/**
 * Prepared ("compiled") inference plans on the native addon.
 *
 * `compileInferencePlan(model)` walks a VGG (features → avgpool → flatten →
 * classifier) or a Sequential of Conv2d, BatchNorm2d, ReLU, MaxPool2d,
 * AdaptiveAvgPool2d, Flatten, Linear and Dropout layers and builds one native
 * plan from it:
 *
 * - `Conv2d [BatchNorm2d] [ReLU] [MaxPool2d(2, 2)]` becomes one fused op. The
 *   BatchNorm's running statistics are folded into the conv's weights and bias
 *   (in float64); bias and ReLU are applied in the conv's output stage and a
 *   following 2×2 stride-2 max-pool on each output tile, so the un-pooled map
 *   is never written. 3×3 stride-1 convs run as Winograd F(4×4,3×3) on weights
 *   transformed once here; other convs (and the first layer, straight from the
 *   NCHW input) as im2col + GEMM on weight panels packed once here.
 * - `Linear [ReLU]` runs on the Linear's own weight array, read in place (not
 *   copied), bias and ReLU fused; Dropout is dropped (the identity at inference).
 * - Other pools, a lone BatchNorm2d (as scale + shift) and a lone ReLU run as
 *   separate native ops. AdaptiveAvgPool2d is free when the map already has the
 *   output size (VGG at 224×224).
 *
 * The plan always computes the inference (eval-mode) function, whatever
 * `model.training` says. Weights changed afterwards (training, loadStateDict)
 * need a new plan: the conv weights are a prepared snapshot, while the Linear
 * weights are read live, so until then a plan would mix old and new weights.
 * Activations live in two native buffers that grow to the largest layer for
 * the batch and input size in use; `run` accepts any batch and any input size
 * the model accepts.
 *
 * Memory (`memory()`): the plan holds prepared conv weights (Winograd weights
 * take 4× the space of the 3×3 kernels: 240 MiB for VGG16's 56 MiB of conv
 * weights), two activation buffers and workspace, and references to the Linear
 * weight arrays it reads (472 MiB for VGG16), nothing else of the model. So the model may be dropped after compiling: its
 * conv weights are then freed, its classifier lives on in the plan.
 * `dispose()` frees the plan's memory and references at once; otherwise the
 * garbage collector does when the plan is unreachable. Transferring a Linear
 * weight's ArrayBuffer away (postMessage with a transfer list) makes later runs
 * throw.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/layers/conv.js';
import { BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { ReLU } from '../../nn/layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../../nn/layers/pooling.js';
import { Linear } from '../../nn/layers/linear.js';
import { Dropout } from '../../nn/layers/dropout.js';
import { Flatten } from '../../nn/layers/flatten.js';
import { Sequential } from '../../nn/layers/sequential.js';
import { VGG } from '../../models/vgg.js';
import { Tensor } from '../../tensor/tensor.js';
import { ShapeError } from '../../errors.js';
import { loadNativeAddon, nativeLoadError, type NativeAddon } from './index.js';
import { setInferencePlanCompiler } from '../../models/inference-cache.js';

export type PlanConvAlgo = 'auto' | 'winograd' | 'direct';

export interface CompileInferencePlanOptions {
  /**
   * 'auto' (default): Winograd for every 3×3 stride-1 conv except a first
   * layer with at most 4 input channels; 'winograd' forces it there too;
   * 'direct' uses im2col + GEMM everywhere (for tests and comparisons).
   */
  convAlgo?: PlanConvAlgo;
}

export interface PlanOpTiming {
  label: string;
  ms: number;
}

/** What a plan holds, in bytes (see InferencePlan.memory). */
export interface PlanMemory {
  /** Weights the plan prepared and owns: transformed or packed conv weights, biases. */
  preparedWeights: number;
  /** The model's own weights the plan reads in place (the Linear layers): shared, not copied. */
  sharedModelWeights: number;
  /** The two ping-pong activation buffers, at the largest batch and input size run so far. */
  activations: number;
  /** Transform and im2col scratch, likewise. */
  workspace: number;
}

export interface InferencePlan {
  /**
   * Runs the plan on x = [batch, C, inH, inW] (plain NCHW float32). Returns a
   * fresh array: [batch, classes] for a classifier, [batch, C', H', W'] for a
   * plan that ends on a feature map. Throws (naming the layer) when the input
   * does not fit the model.
   */
  run(x: Float32Array, batch: number, inH: number, inW: number): { data: Float32Array; shape: number[] };
  /** run() on a Tensor [N, C, H, W]; returns a new Tensor (no autograd). */
  forward(x: Tensor): Tensor;
  /** The output shape run() would return, without running. */
  outputShape(batch: number, inH: number, inW: number): number[];
  /** Runs once and returns the wall time of every native op. */
  profile(x: Float32Array, batch: number, inH: number, inW: number): PlanOpTiming[];
  /** Frees the prepared weights and buffers now; later calls throw. */
  dispose(): void;
  /** One line per native op: what was fused and which algorithm runs it. */
  describe(): string;
  /** Input channels, when the first layer fixes them. */
  readonly inChannels: number | null;
  /** Bytes of prepared weights held natively (memory().preparedWeights). */
  readonly weightBytes: number;
  /** What the plan holds now; all zero once disposed. */
  memory(): PlanMemory;
}

/** Why a model cannot become a plan (also returned as `reason` by tryCompileInferencePlan). */
export class PlanUnsupportedError extends Error {
  constructor(
    message: string,
    readonly path: string = '',
  ) {
    super(message);
    this.name = 'PlanUnsupportedError';
  }
}

// ---------------------------------------------------------------- addon --

type PlanHandle = object & { readonly __planHandle?: never };

type PlanOpSpec =
  | {
      kind: 'conv';
      label: string;
      C: number;
      K: number;
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      ph: number;
      pw: number;
      dh: number;
      dw: number;
      relu: boolean;
      pool: boolean;
      algo: PlanConvAlgo;
      w: Float32Array;
      bias: Float32Array | null;
    }
  | {
      kind: 'maxpool';
      label: string;
      kh: number;
      kw: number;
      sh: number;
      sw: number;
      ph: number;
      pw: number;
      dh: number;
      dw: number;
      ceil: boolean;
    }
  | { kind: 'avgpool'; label: string; oh: number; ow: number }
  | { kind: 'affine'; label: string; C: number; scale: Float32Array; shift: Float32Array; relu: boolean }
  | { kind: 'relu'; label: string }
  | { kind: 'flatten'; label: string }
  | {
      kind: 'linear';
      label: string;
      in: number;
      out: number;
      w: Float32Array;
      bias: Float32Array | null;
      relu: boolean;
    };

/** The plan functions of the addon (native/src/plan_napi.inc). */
interface PlanAddon extends NativeAddon {
  planCreate(ops: PlanOpSpec[]): PlanHandle;
  planRun(plan: PlanHandle, x: Float32Array, N: number, C: number, H: number, W: number): Float32Array;
  planOutputShape(plan: PlanHandle, N: number, C: number, H: number, W: number): number[];
  planDescribe(plan: PlanHandle): string;
  planInfo(plan: PlanHandle): {
    weightBytes: number;
    borrowedBytes: number;
    activationBytes: number;
    workspaceBytes: number;
    disposed: boolean;
  };
  planSetProfile(plan: PlanHandle, on: boolean): void;
  planTimings(plan: PlanHandle): [string, number][];
  planDispose(plan: PlanHandle): void;
}

function planAddon(): PlanAddon | null {
  const addon = loadNativeAddon();
  if (!addon || typeof (addon as Partial<PlanAddon>).planCreate !== 'function') return null;
  return addon as PlanAddon;
}

/** Why plans are unavailable on this machine, or null when they are available. */
export function inferencePlanUnavailable(): string | null {
  const addon = loadNativeAddon();
  if (!addon) return nativeLoadError() ?? 'native addon unavailable';
  if (!planAddon())
    return 'the native addon was built without inference plans; rebuild it with `node native/build.mjs`';
  return null;
}

// ------------------------------------------------------------- the walk --

/** A module is followed structurally only if it runs its class's own forward (not an override). */
function isPlain<C extends abstract new (...args: never[]) => Module>(m: Module, cls: C): m is InstanceType<C> {
  return m instanceof cls && m.forward === (cls.prototype as Module).forward;
}

const SUPPORTED = 'VGG, Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, AdaptiveAvgPool2d, Linear, Flatten, Dropout';

type Leaf =
  | { path: string; m: Conv2d | BatchNorm2d | ReLU | MaxPool2d | AdaptiveAvgPool2d | Linear | Flatten }
  | { path: string; m: 'flatten' };

function describePath(path: string, m: Module): string {
  return path ? `${path} (${m.typeName()})` : `the root module (${m.typeName()})`;
}

/** The layers in execution order; Dropout (the identity at inference) is left out. */
function collect(path: string, m: Module, out: Leaf[]): void {
  const child = (name: string): string => (path ? `${path}.${name}` : name);
  if (isPlain(m, VGG)) {
    collect(child('features'), m.features, out);
    collect(child('avgpool'), m.avgpool, out);
    out.push({ path: child('flatten'), m: 'flatten' });
    collect(child('classifier'), m.classifier, out);
  } else if (isPlain(m, Sequential)) {
    for (const [name, c] of m.namedChildren()) collect(child(name), c, out);
  } else if (isPlain(m, Dropout)) {
    // identity at inference
  } else if (
    isPlain(m, Conv2d) ||
    isPlain(m, BatchNorm2d) ||
    isPlain(m, ReLU) ||
    isPlain(m, MaxPool2d) ||
    isPlain(m, AdaptiveAvgPool2d) ||
    isPlain(m, Linear) ||
    isPlain(m, Flatten)
  ) {
    out.push({ path, m });
  } else {
    const base = [
      VGG,
      Sequential,
      Conv2d,
      BatchNorm2d,
      ReLU,
      MaxPool2d,
      AdaptiveAvgPool2d,
      Linear,
      Flatten,
      Dropout,
    ].find((cls) => m instanceof cls);
    const why = base ? `a subclass of ${base.name} with its own forward` : `unsupported layer type ${m.typeName()}`;
    throw new PlanUnsupportedError(`${describePath(path, m)}: ${why} (inference plans support ${SUPPORTED})`, path);
  }
}

function pair(v: number | readonly number[], what: string, path: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0))
    throw new PlanUnsupportedError(`${path}: bad ${what} ${JSON.stringify(v)}`, path);
  return p;
}

/** "features.0-2" for features.0 … features.2, else the paths joined with '+'. */
function groupLabel(paths: string[]): string {
  if (paths.length === 1) return paths[0];
  const first = paths[0];
  const last = paths[paths.length - 1];
  const dot = first.lastIndexOf('.');
  const prefix = first.slice(0, dot + 1);
  if (last.startsWith(prefix) && !last.slice(prefix.length).includes('.'))
    return `${first}-${last.slice(prefix.length)}`;
  return paths.join('+');
}

/** Folds an eval-mode BatchNorm2d into conv weights and bias, in float64. */
function foldBatchNorm(conv: Conv2d, bn: BatchNorm2d): { w: Float32Array; bias: Float32Array } {
  const K = conv.outChannels;
  const per = conv.weight.numel / K;
  const w = new Float32Array(conv.weight.numel);
  const bias = new Float32Array(K);
  const src = conv.weight.data;
  const mean = bn.runningMean!.data;
  const variance = bn.runningVar!.data;
  for (let k = 0; k < K; k++) {
    const gamma = bn.weight ? bn.weight.data[k] : 1;
    const beta = bn.bias ? bn.bias.data[k] : 0;
    const s = gamma / Math.sqrt(variance[k] + bn.eps);
    for (let i = 0; i < per; i++) w[k * per + i] = src[k * per + i] * s;
    bias[k] = ((conv.bias ? conv.bias.data[k] : 0) - mean[k]) * s + beta;
  }
  return { w, bias };
}

function foldable(bn: BatchNorm2d, path: string): void {
  if (!bn.trackRunningStats || !bn.runningMean || !bn.runningVar) {
    throw new PlanUnsupportedError(
      `${path} (BatchNorm2d): has no running statistics (trackRunningStats: false), so it normalizes with batch statistics even in eval mode; plans cannot fold it`,
      path,
    );
  }
}

interface Lowered {
  ops: PlanOpSpec[];
  inChannels: number | null;
}

/** Turns the layer list into fused plan ops, checking channel counts where they are known. */
function lower(leaves: Leaf[], algo: PlanConvAlgo): Lowered {
  const ops: PlanOpSpec[] = [];
  let channels: number | null = null; // channels of the current 4-D map, when known
  let inChannels: number | null = null;
  let flat = false;
  const at = (i: number): Leaf | undefined => leaves[i];
  const isRelu = (l: Leaf | undefined): boolean => !!l && l.m !== 'flatten' && l.m instanceof ReLU;
  /** Folds the ReLUs starting at leaf j into the op before them: adds their paths, returns the next leaf and whether any were found. */
  const absorbRelus = (j: number, paths: string[]): { next: number; relu: boolean } => {
    const start = j;
    while (isRelu(at(j))) paths.push(at(j++)!.path);
    return { next: j, relu: j > start };
  };
  const need4d = (l: Leaf, what: string): void => {
    if (flat)
      throw new PlanUnsupportedError(`${l.path} (${what}): needs a 4-D input, but it follows a Flatten`, l.path);
  };
  const checkChannels = (l: Leaf, what: string, c: number): void => {
    if (channels === null) {
      if (inChannels === null && ops.length === 0) inChannels = c;
      return;
    }
    if (channels !== c) {
      throw new PlanUnsupportedError(
        `${l.path} (${what}): expects ${c} input channels, but the layer before it produces ${channels}`,
        l.path,
      );
    }
  };

  for (let i = 0; i < leaves.length;) {
    const leaf = leaves[i];
    const m = leaf.m;
    if (m === 'flatten' || m instanceof Flatten) {
      if (m !== 'flatten' && !(m.startDim === 1 && (m.endDim === -1 || m.endDim === 3))) {
        throw new PlanUnsupportedError(
          `${leaf.path} (Flatten): only Flatten(1, -1) is supported, got (${m.startDim}, ${m.endDim})`,
          leaf.path,
        );
      }
      if (!flat) ops.push({ kind: 'flatten', label: leaf.path });
      flat = true;
      channels = null;
      i++;
    } else if (m instanceof Conv2d) {
      need4d(leaf, 'Conv2d');
      checkChannels(leaf, 'Conv2d', m.inChannels);
      const paths = [leaf.path];
      let j = i + 1;
      let w = m.weight.data;
      let bias: Float32Array | null = m.bias ? m.bias.data : null;
      const next = at(j);
      if (next && next.m instanceof BatchNorm2d) {
        const bn = next.m;
        foldable(bn, next.path);
        if (bn.numFeatures !== m.outChannels) {
          throw new PlanUnsupportedError(
            `${next.path} (BatchNorm2d): has ${bn.numFeatures} features but follows a conv with ${m.outChannels} output channels`,
            next.path,
          );
        }
        ({ w, bias } = foldBatchNorm(m, bn));
        paths.push(next.path);
        j++;
      }
      const absorbed = absorbRelus(j, paths);
      const relu = absorbed.relu;
      j = absorbed.next;
      let pool = false;
      const p = at(j);
      if (p && p.m instanceof MaxPool2d && isPool2x2(p.m, p.path)) {
        pool = true;
        paths.push(p.path);
        j++;
      }
      const [kh, kw] = m.kernelSize;
      const [sh, sw] = m.stride;
      const [ph, pw] = m.padding;
      const [dh, dw] = m.dilation;
      ops.push({
        kind: 'conv',
        label: groupLabel(paths),
        C: m.inChannels,
        K: m.outChannels,
        kh,
        kw,
        sh,
        sw,
        ph,
        pw,
        dh,
        dw,
        relu,
        pool,
        algo,
        w,
        bias,
      });
      channels = m.outChannels;
      i = j;
    } else if (m instanceof BatchNorm2d) {
      need4d(leaf, 'BatchNorm2d');
      foldable(m, leaf.path);
      checkChannels(leaf, 'BatchNorm2d', m.numFeatures);
      const C = m.numFeatures;
      const scale = new Float32Array(C);
      const shift = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const s = (m.weight ? m.weight.data[c] : 1) / Math.sqrt(m.runningVar!.data[c] + m.eps);
        scale[c] = s;
        shift[c] = (m.bias ? m.bias.data[c] : 0) - m.runningMean!.data[c] * s;
      }
      const paths = [leaf.path];
      const { next: j, relu } = absorbRelus(i + 1, paths);
      ops.push({ kind: 'affine', label: groupLabel(paths), C, scale, shift, relu });
      channels = C;
      i = j;
    } else if (m instanceof ReLU) {
      const paths = [leaf.path];
      const { next: j } = absorbRelus(i + 1, paths);
      ops.push({ kind: 'relu', label: groupLabel(paths) });
      i = j;
    } else if (m instanceof MaxPool2d) {
      need4d(leaf, 'MaxPool2d');
      const [kh, kw] = pair(m.kernelSize, 'kernel size', leaf.path);
      const [sh, sw] = pair(m.stride, 'stride', leaf.path);
      const [ph, pw] = pair(m.padding, 'padding', leaf.path);
      const [dh, dw] = pair(m.dilation, 'dilation', leaf.path);
      if (ph > kh / 2 || pw > kw / 2)
        throw new PlanUnsupportedError(
          `${leaf.path} (MaxPool2d): padding must be at most half of the kernel size`,
          leaf.path,
        );
      ops.push({ kind: 'maxpool', label: leaf.path, kh, kw, sh, sw, ph, pw, dh, dw, ceil: m.ceilMode });
      i++;
    } else if (m instanceof AdaptiveAvgPool2d) {
      need4d(leaf, 'AdaptiveAvgPool2d');
      const s = m.outputSize;
      const [oh, ow] = typeof s === 'number' ? [s, s] : [s[0] ?? 0, s[1] ?? 0];
      if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 0 || ow < 0 || (typeof s === 'number' && s < 1)) {
        throw new PlanUnsupportedError(
          `${leaf.path} (AdaptiveAvgPool2d): bad output size ${JSON.stringify(s)}`,
          leaf.path,
        );
      }
      ops.push({ kind: 'avgpool', label: leaf.path, oh, ow });
      i++;
    } else {
      // Linear
      if (!flat) {
        throw new PlanUnsupportedError(
          `${leaf.path} (Linear): plans apply Linear to flattened [N, features] inputs only; add a Flatten before it`,
          leaf.path,
        );
      }
      const paths = [leaf.path];
      const { next: j, relu } = absorbRelus(i + 1, paths);
      ops.push({
        kind: 'linear',
        label: groupLabel(paths),
        in: m.inFeatures,
        out: m.outFeatures,
        w: m.weight.data,
        bias: m.bias ? m.bias.data : null,
        relu,
      });
      i = j;
    }
  }
  return { ops, inChannels };
}

function isPool2x2(m: MaxPool2d, path: string): boolean {
  const k = pair(m.kernelSize, 'kernel size', path);
  const s = pair(m.stride, 'stride', path);
  const p = pair(m.padding, 'padding', path);
  const d = pair(m.dilation, 'dilation', path);
  return (
    k[0] === 2 &&
    k[1] === 2 &&
    s[0] === 2 &&
    s[1] === 2 &&
    p[0] === 0 &&
    p[1] === 0 &&
    d[0] === 1 &&
    d[1] === 1 &&
    !m.ceilMode
  );
}

// ----------------------------------------------------------------- plan --

class NativeInferencePlan implements InferencePlan {
  private disposed = false;

  constructor(
    private readonly addon: PlanAddon,
    private readonly handle: PlanHandle,
    readonly inChannels: number | null,
    readonly weightBytes: number,
  ) {}

  memory(): PlanMemory {
    const info = this.addon.planInfo(this.handle);
    return {
      preparedWeights: info.weightBytes,
      sharedModelWeights: info.borrowedBytes,
      activations: info.activationBytes,
      workspace: info.workspaceBytes,
    };
  }

  private check(): void {
    if (this.disposed) throw new Error('this inference plan has been disposed');
  }

  private channelsOf(x: Float32Array, batch: number, inH: number, inW: number): number {
    for (const [name, v] of [
      ['batch', batch],
      ['inH', inH],
      ['inW', inW],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
    const per = batch * inH * inW;
    const C = this.inChannels ?? x.length / per;
    if (!Number.isInteger(C) || C < 1 || C * per !== x.length) {
      const want =
        this.inChannels !== null
          ? `${batch}×${this.inChannels}×${inH}×${inW} = ${this.inChannels * per}`
          : `a multiple of ${per}`;
      throw new RangeError(`x has ${x.length} values; expected ${want}`);
    }
    return C;
  }

  run(x: Float32Array, batch: number, inH: number, inW: number): { data: Float32Array; shape: number[] } {
    this.check();
    const C = this.channelsOf(x, batch, inH, inW);
    const shape = this.addon.planOutputShape(this.handle, batch, C, inH, inW);
    const data = this.addon.planRun(this.handle, x, batch, C, inH, inW);
    return { data, shape };
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new ShapeError(`an inference plan expects input [N, C, H, W], got [${x.shape.join(', ')}]`);
    const [n, , h, w] = x.shape;
    const { data, shape } = this.run(x.data, n, h, w);
    return new Tensor(data, shape);
  }

  outputShape(batch: number, inH: number, inW: number): number[] {
    this.check();
    if (this.inChannels === null)
      throw new Error('outputShape needs a plan whose first layer fixes the input channels');
    return this.addon.planOutputShape(this.handle, batch, this.inChannels, inH, inW);
  }

  profile(x: Float32Array, batch: number, inH: number, inW: number): PlanOpTiming[] {
    this.check();
    this.addon.planSetProfile(this.handle, true);
    try {
      this.run(x, batch, inH, inW);
      return this.addon.planTimings(this.handle).map(([label, ms]) => ({ label, ms }));
    } finally {
      this.addon.planSetProfile(this.handle, false);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.addon.planDispose(this.handle);
  }

  describe(): string {
    this.check();
    const info = this.addon.planInfo(this.handle);
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
    return (
      `inference plan (${this.addon.getIsa()}, ${this.addon.getNumThreads()} threads; prepared weights ${mb(info.weightBytes)}, ` +
      `model weights read in place ${mb(info.borrowedBytes)}, buffers ${mb(info.activationBytes + info.workspaceBytes)})\n` +
      this.addon.planDescribe(this.handle).trimEnd()
    );
  }
}

export type TryCompileResult = { plan: InferencePlan; reason: null } | { plan: null; reason: string };

/** Compiles `model` into a plan, or says why it cannot (no addon, or a layer the plan cannot run). */
export function tryCompileInferencePlan(model: Module, opts: CompileInferencePlanOptions = {}): TryCompileResult {
  const unavailable = inferencePlanUnavailable();
  if (unavailable) return { plan: null, reason: unavailable };
  const addon = planAddon()!;
  const algo = opts.convAlgo ?? 'auto';
  if (!['auto', 'winograd', 'direct'].includes(algo))
    return { plan: null, reason: `unknown convAlgo "${String(algo)}"` };
  let lowered: Lowered;
  try {
    if (!(model instanceof Module)) throw new PlanUnsupportedError('compileInferencePlan needs a Module');
    const leaves: Leaf[] = [];
    collect('', model, leaves);
    lowered = lower(leaves, algo);
  } catch (e) {
    if (e instanceof PlanUnsupportedError) return { plan: null, reason: e.message };
    throw e;
  }
  const handle = addon.planCreate(lowered.ops);
  const plan = new NativeInferencePlan(addon, handle, lowered.inChannels, addon.planInfo(handle).weightBytes);
  return { plan, reason: null };
}

/** The plan for `model`, or null when the addon is unavailable or a layer cannot be planned (see tryCompileInferencePlan for why). */
export function compileInferencePlan(model: Module, opts: CompileInferencePlanOptions = {}): InferencePlan | null {
  return tryCompileInferencePlan(model, opts).plan;
}

setInferencePlanCompiler(compileInferencePlan);

/** Like compileInferencePlan, but throws PlanUnsupportedError with the reason instead of returning null. */
export function compileInferencePlanOrThrow(model: Module, opts: CompileInferencePlanOptions = {}): InferencePlan {
  const r = tryCompileInferencePlan(model, opts);
  if (!r.plan) throw new PlanUnsupportedError(r.reason);
  return r.plan;
}
