/**
 * A model described to the backends as plain data. src/models/lower.ts walks
 * a model into a `LayerGraph` (one step per layer, with shapes); the fusion
 * pass (src/models/fuse.ts) turns that into a `PlanGraph` (conv + folded
 * BatchNorm + ReLU + 2×2 max-pool as one op, and so on) for a backend's
 * `compileInferencePlan`. Nothing here refers to a Module or a Tensor, so a
 * backend (native, WebAssembly) can run a model without knowing the nn layer.
 *
 * Conventions shared by every type below:
 * - Layouts are PyTorch's: activations NCHW, contiguous float32; conv weights
 *   [outChannels, inChannels, kh, kw]; Linear weights [outFeatures, inFeatures].
 * - Shapes leave out the batch: [C, H, W] for a feature map, [F] once
 *   flattened. A null dimension is not known until the model runs (a plan is
 *   compiled once for any input size).
 * - Weight arrays are the model's own (not copies) unless a step says it
 *   derived them; a consumer must not write to them, and one that keeps them
 *   sees later changes to the model.
 * - Everything describes the inference (eval-mode) function: BatchNorm uses
 *   its running statistics and Dropout is the identity.
 */

/** A shape without the batch dimension; null where the size is not known yet. */
export type StepShape = readonly (number | null)[];

/** [height, width] (or [top/bottom, left/right] for padding). */
export type Pair = readonly [number, number];

/** A 2-D convolution's geometry (groups are always 1). */
export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  /** Zero padding on both sides of each axis. */
  padding: Pair;
  dilation: Pair;
}

/** A 2-D max-pool's geometry, with PyTorch's output-size rule (ceilMode drops a window that would start in the right padding). */
export interface MaxPoolGeometry {
  kernel: Pair;
  stride: Pair;
  /** −inf padding on both sides; at most half the kernel. */
  padding: Pair;
  dilation: Pair;
  ceilMode: boolean;
}

/**
 * Output [height, width] of an adaptive average pool, PyTorch's bins
 * (see adaptiveBin); null keeps that input size.
 */
export type AdaptiveOutputSize = readonly [number | null, number | null];

interface StepBase {
  /** The layer's dotted module path ('features.3'); '' for a root module. */
  path: string;
  /** The layer's class name ('Conv2d'), or null for an operation no module performs (VGG's flatten in forward). */
  module: string | null;
  inShape: StepShape;
  outShape: StepShape;
}

/** y = conv(x, weight) + bias: [C, H, W] -> [outChannels, H', W']. */
export interface ConvStep extends StepBase, ConvGeometry {
  op: 'conv';
  /** [outChannels, inChannels, kh, kw]. */
  weight: Float32Array;
  bias: Float32Array | null;
}

/** y = (x − mean[c]) / √(variance[c] + eps) · weight[c] + bias[c]: [C, H, W] -> same; foldable into a conv before it. */
export interface BatchNormStep extends StepBase {
  op: 'batchnorm';
  channels: number;
  eps: number;
  /** Running statistics, [channels] each. */
  mean: Float32Array;
  variance: Float32Array;
  /** Affine parameters, [channels] each; null means 1 and 0. */
  weight: Float32Array | null;
  bias: Float32Array | null;
}

/** max(x, 0), any shape. */
export interface ReluStep extends StepBase {
  op: 'relu';
}

/** [C, H, W] -> [C, H', W']. */
export interface MaxPoolStep extends StepBase, MaxPoolGeometry {
  op: 'maxpool';
}

/** [C, H, W] -> [C, outputSize[0] ?? H, outputSize[1] ?? W]. */
export interface AdaptiveAvgPoolStep extends StepBase {
  op: 'adaptiveavgpool';
  outputSize: AdaptiveOutputSize;
}

/**
 * torch.flatten(x, startDim, endDim) on the batched tensor: dims counted with
 * the batch as dim 0, made non-negative, 1 ≤ startDim ≤ endDim (startDim ===
 * endDim changes nothing).
 */
export interface FlattenStep extends StepBase {
  op: 'flatten';
  startDim: number;
  endDim: number;
}

/** y = x · weightᵀ + bias over the last dimension: [..., inFeatures] -> [..., outFeatures]. */
export interface LinearStep extends StepBase {
  op: 'linear';
  inFeatures: number;
  outFeatures: number;
  /** [outFeatures, inFeatures]. */
  weight: Float32Array;
  bias: Float32Array | null;
}

/** The identity at inference (p is kept for descriptions). */
export interface DropoutStep extends StepBase {
  op: 'dropout';
  p: number;
}

export type LayerStep =
  ConvStep | BatchNormStep | ReluStep | MaxPoolStep | AdaptiveAvgPoolStep | FlattenStep | LinearStep | DropoutStep;

/** A model as one step per layer, in execution order, shapes checked where known. */
export interface LayerGraph {
  /** The batch size the shapes were propagated for, or null. */
  batch: number | null;
  /** The input's [C, H, W]. */
  input: StepShape;
  steps: readonly LayerStep[];
  /** The last step's output shape (the input's when there are no steps). */
  output: StepShape;
}

interface PlanOpBase {
  /** The layers this op runs, for descriptions and errors: 'features.0-2', or one path. */
  label: string;
  /** Their module paths, in order. */
  paths: readonly string[];
}

/**
 * Conv [+ BatchNorm folded] [+ ReLU] [+ 2×2 stride-2 max-pool]: [C, H, W] ->
 * [outChannels, H', W'] (halved, rounded down, when pool2x2). When a
 * BatchNorm was folded, weight and bias are new arrays (the fold is done in
 * float64); otherwise they are the conv's own.
 */
export interface ConvPlanOp extends PlanOpBase, ConvGeometry {
  op: 'conv';
  weight: Float32Array;
  bias: Float32Array | null;
  relu: boolean;
  pool2x2: boolean;
}

/** A BatchNorm2d with no conv before it, as y = x · scale[c] + shift[c] [+ ReLU]: [C, H, W] -> same. */
export interface AffinePlanOp extends PlanOpBase {
  op: 'affine';
  channels: number;
  scale: Float32Array;
  shift: Float32Array;
  relu: boolean;
}

/** A ReLU no op before it could absorb. */
export interface ReluPlanOp extends PlanOpBase {
  op: 'relu';
}

/** Any max-pool not fused into a conv. */
export interface MaxPoolPlanOp extends PlanOpBase, MaxPoolGeometry {
  op: 'maxpool';
}

/** Adaptive average pool; the identity (and free) when the map already has the output size. */
export interface AdaptiveAvgPoolPlanOp extends PlanOpBase {
  op: 'adaptiveavgpool';
  outputSize: AdaptiveOutputSize;
}

/** [C, H, W] -> [C·H·W]: NCHW data is already in that order, so only the shape changes. */
export interface FlattenPlanOp extends PlanOpBase {
  op: 'flatten';
}

/**
 * Linear [+ ReLU] on [F]: weight and bias are the layer's own arrays, which a
 * plan may read in place at every run (so changes to them show up).
 */
export interface LinearPlanOp extends PlanOpBase {
  op: 'linear';
  inFeatures: number;
  outFeatures: number;
  weight: Float32Array;
  bias: Float32Array | null;
  relu: boolean;
}

export type PlanOp =
  ConvPlanOp | AffinePlanOp | ReluPlanOp | MaxPoolPlanOp | AdaptiveAvgPoolPlanOp | FlattenPlanOp | LinearPlanOp;

/**
 * What a backend compiles into an inference plan: ops in execution order on
 * NCHW input [N, C, H, W] of any batch and size the ops accept. Dropout is
 * gone, every Linear follows a flatten, and every ReLU is fused where an op
 * can take it.
 */
export interface PlanGraph {
  ops: readonly PlanOp[];
  /** Input channels, when the first op fixes them (a conv or a BatchNorm). */
  inChannels: number | null;
}
