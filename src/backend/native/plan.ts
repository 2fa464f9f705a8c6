/**
 * Inference plans on the native addon: a PlanGraph (../graph.ts), lowered and
 * fused by src/models/, handed to the addon once.
 *
 * - A conv op (with its folded BatchNorm, ReLU and 2×2 max-pool) is one native
 *   op: bias and ReLU are applied in the conv's output stage and the pool on
 *   each output tile, so the un-pooled map is never written. 3×3 stride-1 convs
 *   run as Winograd F(4×4,3×3) on weights transformed once here; other convs
 *   (and the first layer, straight from the NCHW input) as im2col + GEMM on
 *   weight panels packed once here.
 * - A linear op runs on the Linear's own weight array, read in place (not
 *   copied), bias and ReLU fused.
 * - Other pools, affine (a lone BatchNorm) and relu ops run as separate native
 *   ops. An adaptive average pool is free when the map already has the output
 *   size (VGG at 224×224).
 *
 * Weights changed afterwards (training, loadStateDict) need a new plan: the
 * conv weights are a prepared snapshot, while the Linear weights are read
 * live, so until then a plan would mix old and new weights. Activations live
 * in two native buffers that grow to the largest layer for the batch and input
 * size in use.
 *
 * Memory (`memory()`): the plan holds prepared conv weights (Winograd weights
 * take 4× the space of the 3×3 kernels), two activation buffers and
 * workspace, and references to the Linear weight arrays it reads, nothing
 * else of the model. So the model may be dropped after compiling: its conv
 * weights are then freed, its classifier lives on in the plan. `dispose()`
 * frees the plan's memory and references at once; otherwise the garbage
 * collector does when the plan is unreachable. Transferring a Linear weight's
 * ArrayBuffer away (postMessage with a transfer list) makes later runs throw.
 */
import type { Pair, PlanGraph, PlanOp } from '../graph.js';
import {
  planInputChannels,
  fixedInputChannels,
  runPlanOnTensor,
  type CompileInferencePlanOptions,
  type InferencePlan,
  type PlanConvAlgo,
  type PlanMemory,
  type PlanOpTiming,
} from '../plan.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { NativeAddon } from './index.js';

// ---------------------------------------------------------------- addon --

type PlanHandle = object & { readonly __planHandle?: never };

/** A window's kernel, stride, padding and dilation, [height, width] each. */
interface WindowSpec {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
}

function windowSpec(g: { kernel: Pair; stride: Pair; padding: Pair; dilation: Pair }): WindowSpec {
  const [[kh, kw], [sh, sw], [ph, pw], [dh, dw]] = [g.kernel, g.stride, g.padding, g.dilation];
  return { kh, kw, sh, sw, ph, pw, dh, dw };
}

type PlanOpSpec =
  | (WindowSpec & {
      kind: 'conv';
      label: string;
      C: number;
      K: number;
      relu: boolean;
      pool: boolean;
      algo: PlanConvAlgo;
      w: Float32Array;
      bias: Float32Array | null;
    })
  | (WindowSpec & { kind: 'maxpool'; label: string; ceil: boolean })
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

/** The plan functions of the addon (native/src/plan_napi.cc). */
export interface PlanAddon extends NativeAddon {
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

/** Whether this addon was built with the plan functions. */
export function hasPlans(addon: NativeAddon): addon is PlanAddon {
  return typeof (addon as Partial<PlanAddon>).planCreate === 'function';
}

/** The addon's form of one op (native/src/plan_napi.cc reads these fields). */
function opSpec(op: PlanOp, algo: PlanConvAlgo): PlanOpSpec {
  const label = op.label;
  switch (op.op) {
    case 'conv': {
      const { inChannels: C, outChannels: K, relu, pool2x2: pool, weight: w, bias } = op;
      return { kind: 'conv', label, C, K, ...windowSpec(op), relu, pool, algo, w, bias };
    }
    case 'maxpool':
      return { kind: 'maxpool', label, ...windowSpec(op), ceil: op.ceilMode };
    case 'adaptiveavgpool':
      // 0 keeps that input size.
      return { kind: 'avgpool', label, oh: op.outputSize[0] ?? 0, ow: op.outputSize[1] ?? 0 };
    case 'affine':
      return { kind: 'affine', label, C: op.channels, scale: op.scale, shift: op.shift, relu: op.relu };
    case 'relu':
      return { kind: 'relu', label };
    case 'flatten':
      return { kind: 'flatten', label };
    case 'linear':
      return {
        kind: 'linear',
        label,
        in: op.inFeatures,
        out: op.outFeatures,
        w: op.weight,
        bias: op.bias,
        relu: op.relu,
      };
  }
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

  run(x: Float32Array, batch: number, inH: number, inW: number): { data: Float32Array; shape: number[] } {
    this.check();
    const C = planInputChannels(x, batch, inH, inW, this.inChannels);
    const shape = this.addon.planOutputShape(this.handle, batch, C, inH, inW);
    const data = this.addon.planRun(this.handle, x, batch, C, inH, inW);
    return { data, shape };
  }

  forward(x: Tensor): Tensor {
    return runPlanOnTensor(this, x);
  }

  outputShape(batch: number, inH: number, inW: number): number[] {
    this.check();
    return this.addon.planOutputShape(this.handle, batch, fixedInputChannels(this), inH, inW);
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

/** Prepares `graph` on the addon (the native Backend's compileInferencePlan). */
export function compileNativePlan(
  addon: PlanAddon,
  graph: PlanGraph,
  options: CompileInferencePlanOptions = {},
): InferencePlan {
  const algo = options.convAlgo ?? 'auto';
  const handle = addon.planCreate(graph.ops.map((op) => opSpec(op, algo)));
  return new NativeInferencePlan(addon, handle, graph.inChannels, addon.planInfo(handle).weightBytes);
}
