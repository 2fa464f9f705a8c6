/**
 * Inference plans on the WebAssembly backend: a PlanGraph (../graph.ts) prepared once inside the
 * module's memory and run there from input to logits.
 *
 * - Conv ops (BatchNorm already folded by src/models/fuse.ts) keep their weights in the memory:
 *   3×3 stride-1 convs as Winograd F(4×4,3×3) weights transformed here (4× the kernel's size), other
 *   stride-1 convs with few input channels (a first layer) packed for the direct kernel (./direct.ts),
 *   the rest as they are for im2col + GEMM. Bias, ReLU and a fused 2×2 max-pool are applied in the
 *   Winograd output stage, which writes only the pooled map; bias and ReLU in the direct kernel's
 *   stores (a separate in-place pass after im2col), and the pool as a separate pass after both.
 * - Linear ops copy the layer's weights into the memory once (a snapshot: unlike the native plan,
 *   which reads them in place, later changes to the model need a new plan here too).
 * - Activations stay in the memory between ops, in two buffers sized for the batch and input of
 *   each run; only the input goes in and the output comes out.
 *
 * The prepared weights sit at the bottom of the arena's free space as the plan compiles; dispose()
 * gives them back at once, or, when a plan compiled later still holds memory above them, as soon as
 * that one is disposed too. A plan that is never disposed keeps its memory.
 */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Conv2dParams } from '../backend.js';
import { window2d, windowOutputSize } from '../window.js';
import type { ConvPlanOp, LinearPlanOp, PlanGraph, PlanOp } from '../graph.js';
import {
  planInputChannels,
  fixedInputChannels,
  runPlanOnTensor,
  type CompileInferencePlanOptions,
  type InferencePlan,
  type PlanMemory,
  type PlanOpTiming,
} from '../plan.js';
import type { WasmKernels } from './kernels.js';
import { directConv, directFits, directPackWeights } from './direct.js';
import {
  gemmScratch,
  im2colConv,
  runGemm,
  scoped,
  winogradConv,
  winogradTransformWeights,
  winogradWeightBytes,
} from './ops.js';

/** UnaryOp code of relu in the module (wasm/src/pointwise.ts). */
const RELU = 5;

/** A feature map [C, H, W] or, once flattened, features [F]. */
type MapShape = readonly number[];

interface PreparedConv {
  op: ConvPlanOp;
  winograd: boolean;
  /** Not Winograd, and computed by the direct kernel (./direct.ts) rather than im2col + GEMM. */
  direct: boolean;
  /** Winograd U in panels (ops.ts), the direct kernel's packed weights, or the raw weights [K, C·kh·kw] for im2col. */
  weights: number;
  bias: number;
}

interface PreparedLinear {
  op: LinearPlanOp;
  weight: number;
  bias: number;
}

type Prepared = PreparedConv | PreparedLinear | { op: Exclude<PlanOp, ConvPlanOp | LinearPlanOp> } | null;

const sizeOf = (s: MapShape): number => s.reduce((p, d) => p * d, 1);

function convParams(op: ConvPlanOp, batch: number, [C, H, W]: MapShape, label: string): Conv2dParams {
  if (C !== op.inChannels) throw new ShapeError(`${label}: expected ${op.inChannels} input channels, got ${C}`);
  const out = (size: number, axis: 0 | 1): number =>
    windowOutputSize(size, op.kernel[axis], op.stride[axis], op.padding[axis], op.dilation[axis]);
  const [outH, outW] = [out(H, 0), out(W, 1)];
  if (outH < 1 || outW < 1)
    throw new ShapeError(`${label}: a ${H}×${W} map is too small for a ${op.kernel.join('×')} convolution`);
  return {
    batch,
    inChannels: C,
    outChannels: op.outChannels,
    ...window2d([H, W], [outH, outW], op.kernel, op.stride, op.padding, op.dilation),
  };
}

/** The shape op turns `s` into (batch left out); throws naming the layer when s does not fit. */
function outShape(op: PlanOp, s: MapShape): MapShape {
  switch (op.op) {
    case 'conv': {
      const p = convParams(op, 1, s, op.label);
      if (!op.pool2x2) return [p.outChannels, p.outH, p.outW];
      if (p.outH < 2 || p.outW < 2)
        throw new ShapeError(`${op.label}: a ${p.outH}×${p.outW} map is too small for its 2×2 max-pool`);
      return [p.outChannels, p.outH >> 1, p.outW >> 1];
    }
    case 'maxpool': {
      if (s.length !== 3) throw new ShapeError(`${op.label}: expected a feature map, got [${s.join(', ')}]`);
      const size = (axis: 0 | 1): number =>
        windowOutputSize(
          s[axis + 1],
          op.kernel[axis],
          op.stride[axis],
          op.padding[axis],
          op.dilation[axis],
          op.ceilMode,
        );
      const [h, w] = [size(0), size(1)];
      if (h < 1 || w < 1) throw new ShapeError(`${op.label}: a ${s[1]}×${s[2]} map is too small for this max-pool`);
      return [s[0], h, w];
    }
    case 'adaptiveavgpool':
      return [s[0], op.outputSize[0] ?? s[1], op.outputSize[1] ?? s[2]];
    case 'flatten':
      return [sizeOf(s)];
    case 'linear':
      if (s.length !== 1 || s[0] !== op.inFeatures)
        throw new ShapeError(`${op.label}: expected ${op.inFeatures} features, got [${s.join(', ')}]`);
      return [op.outFeatures];
    default:
      return s;
  }
}

/** Whether a conv runs as Winograd under `algo` (as the native plan decides: not a first layer of ≤ 4 channels under 'auto'). */
function winogradFor(op: ConvPlanOp, first: boolean, algo: CompileInferencePlanOptions['convAlgo']): boolean {
  const fits =
    op.kernel[0] === 3 &&
    op.kernel[1] === 3 &&
    op.stride[0] === 1 &&
    op.stride[1] === 1 &&
    op.dilation[0] === 1 &&
    op.dilation[1] === 1;
  if (!fits || algo === 'direct') return false;
  return algo === 'winograd' || !(first && op.inChannels <= 4);
}

class WasmInferencePlan implements InferencePlan {
  readonly weightBytes: number;
  private disposed = false;
  private lastActivations = 0;
  private lastWorkspace = 0;

  constructor(
    private readonly k: WasmKernels,
    private readonly ops: readonly PlanOp[],
    private readonly prepared: readonly Prepared[],
    readonly inChannels: number | null,
    private readonly region: { start: number; end: number },
  ) {
    this.weightBytes = region.end - region.start;
  }

  run(x: Float32Array, batch: number, inH: number, inW: number): { data: Float32Array; shape: number[] } {
    return this.execute(x, batch, inH, inW, null);
  }

  forward(x: Tensor): Tensor {
    return runPlanOnTensor(this, x);
  }

  outputShape(batch: number, inH: number, inW: number): number[] {
    this.check();
    const shapes = this.shapes([fixedInputChannels(this), inH, inW]);
    return [batch, ...shapes[shapes.length - 1]];
  }

  profile(x: Float32Array, batch: number, inH: number, inW: number): PlanOpTiming[] {
    const timings: PlanOpTiming[] = [];
    this.execute(x, batch, inH, inW, timings);
    return timings;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.k.arena.free(this.region.start, this.region.end);
  }

  describe(): string {
    this.check();
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const lines = this.ops.map((op, i) => {
      const p = this.prepared[i];
      if (op.op === 'conv') {
        const c = p as PreparedConv;
        const algo = c.winograd ? 'winograd F(4x4,3x3)' : c.direct ? 'direct' : 'im2col + GEMM';
        const fused = [op.bias ? 'bias' : '', op.relu ? 'relu' : '', op.pool2x2 ? 'maxpool 2x2' : ''].filter(Boolean);
        return `${op.label}: conv ${op.inChannels}->${op.outChannels} ${op.kernel.join('x')}, ${algo}${fused.length ? ` + ${fused.join(' + ')}` : ''}`;
      }
      if (op.op === 'linear')
        return `${op.label}: linear ${op.inFeatures}->${op.outFeatures}${op.relu ? ' + relu' : ''}`;
      return `${op.label}: ${op.op}`;
    });
    return (
      `inference plan (wasm ${this.k.level}, ${this.k.threads} thread${this.k.threads > 1 ? 's' : ''}; ` +
      `prepared weights ${mb(this.weightBytes)} in the WebAssembly memory)\n${lines.join('\n')}`
    );
  }

  memory(): PlanMemory {
    if (this.disposed) return { preparedWeights: 0, sharedModelWeights: 0, activations: 0, workspace: 0 };
    return {
      preparedWeights: this.weightBytes,
      sharedModelWeights: 0,
      activations: this.lastActivations,
      workspace: this.lastWorkspace,
    };
  }

  private check(): void {
    if (this.disposed) throw new Error('this inference plan was disposed');
  }

  /** The output shape of every op for one image of shape `input`. */
  private shapes(input: MapShape): MapShape[] {
    const out: MapShape[] = [];
    let s = input;
    for (const op of this.ops) out.push((s = outShape(op, s)));
    return out;
  }

  private execute(
    x: Float32Array,
    batch: number,
    inH: number,
    inW: number,
    timings: PlanOpTiming[] | null,
  ): { data: Float32Array; shape: number[] } {
    this.check();
    const C = planInputChannels(x, batch, inH, inW, this.inChannels);
    const input: MapShape = [C, inH, inW];
    const shapes = this.shapes(input);
    const arena = this.k.arena;
    return scoped(this.k, () => {
      const what = `an inference plan at batch ${batch}, ${inH}×${inW}`;
      const largest = Math.max(sizeOf(input), ...shapes.map(sizeOf)) * batch;
      const start = arena.mark();
      arena.takePeak();
      let cur = arena.alloc(largest * 4, what);
      let other = arena.alloc(largest * 4, what);
      arena.f32(cur, x.length).set(x);
      this.lastActivations = 2 * largest * 4;
      let shape = input;
      this.ops.forEach((op, i) => {
        const t0 = timings ? performance.now() : 0;
        if (this.runOp(i, cur, other, batch, shape, shapes[i])) [cur, other] = [other, cur];
        shape = shapes[i];
        if (timings) timings.push({ label: op.label, ms: performance.now() - t0 });
      });
      this.lastWorkspace = Math.max(0, arena.takePeak() - start - this.lastActivations);
      return { data: arena.f32(cur, batch * sizeOf(shape)).slice(), shape: [batch, ...shape] };
    });
  }

  /** Runs op i from x into y (addresses); returns false when the result stayed in x (flatten, identity pool). */
  private runOp(i: number, x: number, y: number, batch: number, s: MapShape, out: MapShape): boolean {
    const k = this.k;
    const e = k.exports;
    const op = this.ops[i];
    const p = this.prepared[i];
    const what = `${op.label} of an inference plan at batch ${batch}`;
    const n = batch * sizeOf(out);
    switch (op.op) {
      case 'conv': {
        const c = p as PreparedConv;
        const q = convParams(op, batch, s, op.label);
        scoped(k, () => {
          if (c.winograd) {
            const sizes = { N: batch, C: q.inChannels, H: q.inH, W: q.inW, K: q.outChannels, OH: q.outH, OW: q.outW };
            const call = { U: c.weights, x, y, bias: c.bias, relu: op.relu, pool: op.pool2x2, ...sizes };
            winogradConv(k, { ...call, padH: q.padH, padW: q.padW }, what);
            return;
          }
          const dst = op.pool2x2 ? k.arena.alloc(batch * q.outChannels * q.outH * q.outW * 4, what) : y;
          if (c.direct) {
            directConv(k, x, c.weights, c.bias, op.relu, dst, q, what);
          } else {
            im2colConv(k, x, c.weights, c.bias, dst, q, what);
            if (op.relu) e.unary(RELU, dst, dst, batch * q.outChannels * q.outH * q.outW);
          }
          if (op.pool2x2) {
            const idx = k.arena.alloc(n * 4, what);
            const [, h, w] = out;
            e.maxPool2d(dst, y, idx, batch * q.outChannels, q.outH, q.outW, h, w, 2, 2, 2, 2, 0, 0, 1, 1);
          }
        });
        return true;
      }
      case 'affine': {
        scoped(k, () => {
          const zeros = k.arena.zeros(op.channels, what);
          const scale = k.arena.copyIn(op.scale, what);
          const shift = k.arena.copyIn(op.shift, what);
          e.batchNorm(x, y, batch, op.channels, s[1] * s[2], zeros, scale, 0, shift);
          if (op.relu) e.unary(RELU, y, y, n);
        });
        return true;
      }
      case 'relu':
        e.unary(RELU, x, y, n);
        return true;
      case 'maxpool':
        scoped(k, () => {
          const idx = k.arena.alloc(n * 4, what);
          const [, h, w] = out;
          e.maxPool2d(
            x,
            y,
            idx,
            batch * s[0],
            s[1],
            s[2],
            h,
            w,
            op.kernel[0],
            op.kernel[1],
            op.stride[0],
            op.stride[1],
            op.padding[0],
            op.padding[1],
            op.dilation[0],
            op.dilation[1],
          );
        });
        return true;
      case 'adaptiveavgpool':
        if (out[1] === s[1] && out[2] === s[2]) return false;
        e.adaptiveAvgPool2d(x, y, batch * s[0], s[1], s[2], out[1], out[2]);
        return true;
      case 'flatten':
        return false;
      case 'linear': {
        const l = p as PreparedLinear;
        if (l.bias) {
          const row = k.arena.f32(l.bias, op.outFeatures);
          for (let b = 0; b < batch; b++) k.arena.f32(y + b * op.outFeatures * 4, op.outFeatures).set(row);
        }
        scoped(k, () => {
          const M = batch;
          const [N, K] = [op.outFeatures, op.inFeatures];
          const g = { transA: false, transB: true, M, N, K, alpha: 1, A: x, lda: K, B: l.weight, ldb: K };
          runGemm(k, { ...g, beta: l.bias ? 1 : 0, C: y, ldc: N }, gemmScratch(k, what));
        });
        if (op.relu) e.unary(RELU, y, y, n);
        return true;
      }
    }
  }
}

/** Prepares `graph` in k's memory (the WebAssembly Backend's compileInferencePlan). */
export function compileWasmPlan(
  k: WasmKernels,
  graph: PlanGraph,
  options: CompileInferencePlanOptions = {},
): InferencePlan {
  const arena = k.arena;
  const start = arena.mark();
  const prepared: Prepared[] = [];
  graph.ops.forEach((op, i) => {
    const what = `the prepared weights of ${op.label}`;
    if (op.op === 'conv') {
      const winograd = winogradFor(op, i === 0, options.convAlgo);
      const direct = !winograd && directFits(op);
      const bias = op.bias ? arena.copyIn(op.bias, what) : 0;
      let weights: number;
      if (winograd) {
        const w = arena.copyIn(op.weight, what);
        const U = winogradTransformWeights(
          k,
          { w, K: op.outChannels, C: op.inChannels, wsk: op.inChannels * 9, wsc: 9, flip: false },
          what,
        );
        // U lies above the raw copy: move it down over it and give the rest back.
        const bytes = winogradWeightBytes(k, op.outChannels, op.inChannels);
        new Uint8Array(arena.memory.buffer).copyWithin(w, U, U + bytes);
        arena.release(w);
        weights = arena.alloc(bytes, what);
      } else if (direct) {
        weights = directPackWeights(k, op.weight, op, what);
      } else {
        weights = arena.copyIn(op.weight, what);
      }
      prepared.push({ op, winograd, direct, weights, bias });
    } else if (op.op === 'linear') {
      prepared.push({ op, weight: arena.copyIn(op.weight, what), bias: op.bias ? arena.copyIn(op.bias, what) : 0 });
    } else {
      prepared.push(null);
    }
  });
  return new WasmInferencePlan(k, graph.ops, prepared, graph.inChannels, { start, end: arena.mark() });
}
