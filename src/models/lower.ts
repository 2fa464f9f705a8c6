/**
 * The model walk: a VGG, or a Sequential of the layers below, described as a
 * LayerGraph (src/backend/graph.ts) — one step per layer in execution order,
 * with shapes propagated and checked wherever the input shape makes them
 * known. Inference plans (after ./fuse.ts), the ONNX exporter and `summarize`
 * all start here, so this is the one place that decides which models they
 * take and says why not.
 *
 * A module is followed only if it runs its class's own forward: a subclass
 * that overrides forward could compute anything, so it is refused.
 */
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv.js';
import { BatchNorm2d } from '../nn/layers/batchnorm.js';
import { ReLU } from '../nn/layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling.js';
import { Linear } from '../nn/layers/linear.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Sequential } from '../nn/layers/sequential.js';
import { VGG } from './vgg.js';
import { ArgumentError, VggError } from '../errors.js';
import { asPair, type IntOrPair } from '../tensor/ops/pair.js';
import { windowOutputSize } from '../backend/window.js';
import type { AdaptiveOutputSize, LayerGraph, LayerStep, Pair, StepShape } from '../backend/graph.js';

// A function, not a constant: VGG's forward reaches this module (through its plan cache), so VGG may not exist yet
// when this module is first evaluated.
const layerClasses = () => [
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
];

/** `features.3 (Conv2d)`, or `the root module (Swish)` for path ''. */
export function describeLayer(path: string, moduleType: string | null): string {
  const where = path || 'the root module';
  return moduleType ? `${where} (${moduleType})` : where;
}

/** A model that cannot be lowered: a layer the walk does not know, or layers whose shapes do not fit together. */
export class LoweringError extends VggError {
  override name = 'LoweringError';

  constructor(
    /** The dotted module path ('features.3'); '' for the root. */
    readonly path: string,
    /** The offending layer's class name, when there is one. */
    readonly moduleType: string | null,
    /** The message without the layer's name. */
    readonly detail: string,
    /** True when the layers are supported but the shapes (input, channels, features, map sizes) do not fit. */
    readonly shapeMismatch = false,
  ) {
    super(`${describeLayer(path, moduleType)}: ${detail}`);
  }
}

/** Whether `m` is a `cls` that runs `cls`'s own forward. */
function isPlain<C extends abstract new (...args: never[]) => Module>(m: Module, cls: C): m is InstanceType<C> {
  return m instanceof cls && m.forward === (cls.prototype as Module).forward;
}

const product = (dims: StepShape): number | null =>
  dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);

class Walk {
  readonly steps: LayerStep[] = [];
  private shape: (number | null)[];

  constructor(
    private readonly batch: number | null,
    readonly input: StepShape,
  ) {
    this.shape = [...input];
  }

  get output(): StepShape {
    return this.shape;
  }

  /** The current shape with its batch, '?' where unknown: '[1, 64, 112, 112]'. */
  private shapeText(): string {
    return `[${[this.batch, ...this.shape].map((d) => d ?? '?').join(', ')}]`;
  }

  /** Where the current value comes from, with its shape, for messages. */
  private source(): string {
    return this.steps.length === 0 ? `the input has` : `the layer before it produces`;
  }

  private shapeNote(): string {
    return this.steps.length === 0 ? `inputShape ${this.shapeText()}` : `shape ${this.shapeText()}`;
  }

  private fail(path: string, m: Module, detail: string, shapeMismatch = false): never {
    throw new LoweringError(path, m.typeName(), detail, shapeMismatch);
  }

  private push(step: LayerStep): void {
    this.steps.push(step);
    this.shape = [...step.outShape];
  }

  private need4d(path: string, m: Module): [number | null, number | null, number | null] {
    if (this.shape.length !== 3)
      this.fail(path, m, `needs a 4-D input [N, C, H, W], but its input has shape ${this.shapeText()}`, true);
    return this.shape as [number | null, number | null, number | null];
  }

  private expect(path: string, m: Module, have: number | null, want: number, what: string): void {
    if (have !== null && have !== want)
      this.fail(path, m, `expects ${want} ${what}, but ${this.source()} ${have} (${this.shapeNote()})`, true);
  }

  private pair(path: string, m: Module, v: IntOrPair, what: string, min: number): Pair {
    try {
      return asPair(v, what, min);
    } catch (e) {
      if (e instanceof ArgumentError) this.fail(path, m, e.message);
      throw e;
    }
  }

  visit(path: string, m: Module): void {
    const child = (name: string): string => (path ? `${path}.${name}` : name);
    if (isPlain(m, VGG)) {
      this.visit(child('features'), m.features);
      this.visit(child('avgpool'), m.avgpool);
      this.flatten(child('flatten'), null, 1, -1);
      this.visit(child('classifier'), m.classifier);
    } else if (isPlain(m, Sequential)) {
      for (const [name, c] of m.namedChildren()) this.visit(child(name), c);
    } else if (isPlain(m, Conv2d)) {
      this.conv(path, m);
    } else if (isPlain(m, BatchNorm2d)) {
      this.batchNorm(path, m);
    } else if (isPlain(m, ReLU)) {
      this.push({ op: 'relu', path, module: 'ReLU', inShape: this.shape, outShape: this.shape });
    } else if (isPlain(m, MaxPool2d)) {
      this.maxPool(path, m);
    } else if (isPlain(m, AdaptiveAvgPool2d)) {
      this.adaptiveAvgPool(path, m);
    } else if (isPlain(m, Linear)) {
      this.linear(path, m);
    } else if (isPlain(m, Flatten)) {
      this.flatten(path, m, m.startDim, m.endDim);
    } else if (isPlain(m, Dropout)) {
      this.push({ op: 'dropout', path, module: 'Dropout', inShape: this.shape, outShape: this.shape, p: m.p });
    } else {
      const base = layerClasses().find((cls) => m instanceof cls);
      const why = base ? `a subclass of ${base.name} with its own forward` : `unsupported layer type ${m.typeName()}`;
      this.fail(
        path,
        m,
        `${why} (supported: ${layerClasses()
          .map((cls) => cls.name)
          .join(', ')})`,
      );
    }
  }

  private conv(path: string, m: Conv2d): void {
    const [c, h, w] = this.need4d(path, m);
    this.expect(path, m, c, m.inChannels, 'input channels');
    const [kh, kw] = m.kernelSize;
    const out = (size: number | null, axis: 0 | 1): number | null =>
      size === null
        ? null
        : windowOutputSize(size, m.kernelSize[axis], m.stride[axis], m.padding[axis], m.dilation[axis]);
    const [outH, outW] = [out(h, 0), out(w, 1)];
    if ((outH !== null && outH < 1) || (outW !== null && outW < 1)) {
      const [dh, dw] = m.dilation;
      this.fail(
        path,
        m,
        `input ${this.shapeText()} is too small for kernel (${kh}, ${kw}) with dilation (${dh}, ${dw})`,
        true,
      );
    }
    this.push({
      op: 'conv',
      path,
      module: m.typeName(),
      inShape: this.shape,
      outShape: [m.outChannels, outH, outW],
      inChannels: m.inChannels,
      outChannels: m.outChannels,
      kernel: m.kernelSize,
      stride: m.stride,
      padding: m.padding,
      dilation: m.dilation,
      weight: m.weight.data,
      bias: m.bias ? m.bias.data : null,
    });
  }

  private batchNorm(path: string, m: BatchNorm2d): void {
    const [c] = this.need4d(path, m);
    if (!m.trackRunningStats || !m.runningMean || !m.runningVar) {
      this.fail(
        path,
        m,
        'has no running statistics (trackRunningStats: false), so it normalizes with batch statistics even in eval mode, which an inference graph cannot express',
      );
    }
    this.expect(path, m, c, m.numFeatures, 'channels');
    this.push({
      op: 'batchnorm',
      path,
      module: m.typeName(),
      inShape: this.shape,
      outShape: this.shape,
      channels: m.numFeatures,
      eps: m.eps,
      mean: m.runningMean.data,
      variance: m.runningVar.data,
      weight: m.weight ? m.weight.data : null,
      bias: m.bias ? m.bias.data : null,
    });
  }

  private maxPool(path: string, m: MaxPool2d): void {
    const [c, h, w] = this.need4d(path, m);
    const kernel = this.pair(path, m, m.kernelSize, 'kernel_size', 1);
    const stride = this.pair(path, m, m.stride, 'stride', 1);
    const padding = this.pair(path, m, m.padding, 'padding', 0);
    const dilation = this.pair(path, m, m.dilation, 'dilation', 1);
    if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
      this.fail(
        path,
        m,
        `padding (${padding.join(', ')}) must be at most half of the kernel size (${kernel.join(', ')})`,
      );
    }
    const out = (size: number | null, axis: 0 | 1): number | null =>
      size === null
        ? null
        : windowOutputSize(size, kernel[axis], stride[axis], padding[axis], dilation[axis], m.ceilMode);
    const [outH, outW] = [out(h, 0), out(w, 1)];
    if ((outH !== null && outH < 1) || (outW !== null && outW < 1)) {
      this.fail(
        path,
        m,
        `input ${this.shapeText()} is too small for max pooling with kernel (${kernel.join(', ')}), stride (${stride.join(', ')}): output would be ${outH ?? '?'}x${outW ?? '?'}`,
        true,
      );
    }
    this.push({
      op: 'maxpool',
      path,
      module: m.typeName(),
      inShape: this.shape,
      outShape: [c, outH, outW],
      kernel,
      stride,
      padding,
      dilation,
      ceilMode: m.ceilMode,
    });
  }

  private adaptiveAvgPool(path: string, m: AdaptiveAvgPool2d): void {
    const [c, h, w] = this.need4d(path, m);
    const s = m.outputSize;
    const outputSize: AdaptiveOutputSize = typeof s === 'number' ? [s, s] : [s[0] ?? null, s[1] ?? null];
    if (!outputSize.every((d) => d === null || (Number.isInteger(d) && d >= 1)))
      this.fail(path, m, `output size must be positive integers (or null to keep a size), got ${JSON.stringify(s)}`);
    this.push({
      op: 'adaptiveavgpool',
      path,
      module: m.typeName(),
      inShape: this.shape,
      outShape: [c, outputSize[0] ?? h, outputSize[1] ?? w],
      outputSize,
    });
  }

  private linear(path: string, m: Linear): void {
    const features = this.shape[this.shape.length - 1];
    this.expect(path, m, features, m.inFeatures, 'input features');
    this.push({
      op: 'linear',
      path,
      module: m.typeName(),
      inShape: this.shape,
      outShape: [...this.shape.slice(0, -1), m.outFeatures],
      inFeatures: m.inFeatures,
      outFeatures: m.outFeatures,
      weight: m.weight.data,
      bias: m.bias ? m.bias.data : null,
    });
  }

  /** torch.flatten(x, startDim, endDim); `m` is null for VGG's flatten, which no module performs. */
  private flatten(path: string, m: Flatten | null, startDim: number, endDim: number): void {
    const rank = this.shape.length + 1;
    const s = startDim < 0 ? startDim + rank : startDim;
    const e = endDim < 0 ? endDim + rank : endDim;
    const fail = (detail: string, shapeMismatch: boolean): never => {
      throw new LoweringError(path, m ? m.typeName() : null, detail, shapeMismatch);
    };
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e >= rank || s > e)
      fail(`cannot flatten dims ${startDim}..${endDim}: its input has shape ${this.shapeText()}`, true);
    if (s === 0) {
      fail(
        'start_dim 0 would flatten into the batch dimension; only Flatten(1, -1) and, for ONNX export, other start_dim ≥ 1 are supported',
        false,
      );
    }
    // Batch-free dims s-1 … e-1 become one.
    const merged = product(this.shape.slice(s - 1, e));
    this.push({
      op: 'flatten',
      path,
      module: m ? m.typeName() : null,
      inShape: this.shape,
      outShape: [...this.shape.slice(0, s - 1), merged, ...this.shape.slice(e)],
      startDim: s,
      endDim: e,
    });
  }
}

/**
 * Lowers `model` for an input of shape [N, C, H, W]; any of the four may be
 * null (not known yet, as for a plan compiled for every input size). Throws
 * LoweringError naming the first layer that cannot be lowered or does not fit.
 */
export function lowerModel(
  model: Module,
  inputShape: readonly (number | null)[] = [null, null, null, null],
): LayerGraph {
  if (!(model instanceof Module)) throw new LoweringError('', null, `expected a Module, got ${typeof model}`);
  if (inputShape.length !== 4 || !inputShape.every((d) => d === null || (Number.isInteger(d) && d > 0)))
    throw new LoweringError(
      '',
      model.typeName(),
      `the input shape must be [N, C, H, W], got ${JSON.stringify(inputShape)}`,
      true,
    );
  const [batch, ...input] = inputShape;
  const walk = new Walk(batch, input);
  walk.visit('', model);
  return { batch, input, steps: walk.steps, output: walk.output };
}
