/**
 * The inference-plan contract: what a backend's `compileInferencePlan`
 * returns for a PlanGraph (./graph.ts). A plan prepares weights once and then
 * runs the whole network per call, for any batch and input size the model
 * accepts. It always computes the inference (eval-mode) function.
 */
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * 'auto' (default): Winograd for every 3×3 stride-1 conv except a first
 * layer with at most 4 input channels; 'winograd' forces it there too;
 * 'direct' uses im2col + GEMM everywhere (for tests and comparisons).
 * A backend with one conv algorithm ignores it.
 */
export type PlanConvAlgo = 'auto' | 'winograd' | 'direct';

export interface CompileInferencePlanOptions {
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
  /** The activation buffers, at the largest batch and input size run so far. */
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
  /** Runs once and returns the wall time of every op. */
  profile(x: Float32Array, batch: number, inH: number, inW: number): PlanOpTiming[];
  /** Frees the prepared weights and buffers now; later calls throw. */
  dispose(): void;
  /** One line per op: what was fused and which algorithm runs it. */
  describe(): string;
  /** Input channels, when the first layer fixes them. */
  readonly inChannels: number | null;
  /** Bytes of prepared weights (memory().preparedWeights). */
  readonly weightBytes: number;
  /** What the plan holds now; all zero once disposed. */
  memory(): PlanMemory;
}

/**
 * The input channel count of x = [batch, C, inH, inW] for a plan taking
 * `inChannels` (null: any); throws RangeError when the sizes do not fit.
 */
export function planInputChannels(
  x: Float32Array,
  batch: number,
  inH: number,
  inW: number,
  inChannels: number | null,
): number {
  for (const [name, v] of [
    ['batch', batch],
    ['inH', inH],
    ['inW', inW],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const per = batch * inH * inW;
  const C = inChannels ?? x.length / per;
  if (!Number.isInteger(C) || C < 1 || C * per !== x.length) {
    const want =
      inChannels !== null ? `${batch}×${inChannels}×${inH}×${inW} = ${inChannels * per}` : `a multiple of ${per}`;
    throw new RangeError(`x has ${x.length} values; expected ${want}`);
  }
  return C;
}

/** The input channels a plan's first layer fixes, which outputShape needs; throws when it fixes none. */
export function fixedInputChannels(plan: InferencePlan): number {
  if (plan.inChannels === null) throw new Error('outputShape needs a plan whose first layer fixes the input channels');
  return plan.inChannels;
}

/** InferencePlan.forward in terms of run(), for every backend's plans. */
export function runPlanOnTensor(plan: InferencePlan, x: Tensor): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`an inference plan expects input [N, C, H, W], got [${x.shape.join(', ')}]`);
  const [n, , h, w] = x.shape;
  const { data, shape } = plan.run(x.data, n, h, w);
  return new Tensor(data, shape);
}
