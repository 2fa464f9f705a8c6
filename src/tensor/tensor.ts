/**
 * A dense float32 tensor in row-major (NCHW for images) layout. The values
 * always live contiguously in `data`; reshapes share that buffer, everything
 * else makes a new one. Methods are thin: the maths lives in ops/ and the
 * kernels behind the backend interface.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { record, runBackward, type GradFn } from './autograd.js';
import { contiguousStrides, numel, shapeToString, checkShape, type Shape } from './shape.js';
import { defaultGenerator, type Generator } from './rng.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as sh from './ops/shape.js';
import { matmul } from './ops/linalg.js';

export type NestedArray = number | NestedArray[];

/**
 * In-place writes counted per buffer, so every tensor over the same memory
 * (views, detach(), a Parameter wrapping a tensor, state dict entries) shares
 * one count, as views share PyTorch's `_version`.
 */
const writeCounts = new WeakMap<ArrayBufferLike, number>();

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradFn | null = null;
  /** Keep `.grad` on a non-leaf tensor too (like `retain_grad()`). */
  retainsGrad = false;

  constructor(data: Float32Array, shape: Shape) {
    const s = checkShape(shape);
    if (data.length !== numel(s)) {
      throw new ShapeError(`${data.length} values cannot fill a tensor of shape ${shapeToString(s)}`);
    }
    this.data = data;
    this.shape = Object.freeze(s);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get strides(): number[] {
    return contiguousStrides(this.shape);
  }

  get numel(): number {
    return this.data.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * How many in-place writes this tensor's memory has seen (PyTorch's
   * `_version`): every Tensor method ending in `_` (so nn.init and
   * loadStateDict), optimizer steps, BatchNorm's running statistics and
   * in-place ReLU add one. Caches of values derived from a tensor (a VGG's
   * cached inference plan) compare it to know they are stale. Tensors cut
   * from one larger buffer share the count.
   */
  get version(): number {
    return writeCounts.get(this.data.buffer) ?? 0;
  }

  /**
   * Records an in-place write made straight into `data`, which the version
   * cannot see by itself: call it after `t.data[i] = v` or `t.data.set(…)`
   * so that caches built from `t` are rebuilt.
   */
  markDirty(): this {
    writeCounts.set(this.data.buffer, this.version + 1);
    return this;
  }

  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[dim < 0 ? dim + this.ndim : dim];
  }

  /** A contiguous copy of the values. */
  toFloat32Array(): Float32Array {
    return this.data.slice();
  }

  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return this.data[offset];
      const stride = this.strides[dim];
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  item(): number {
    if (this.numel !== 1)
      throw new ShapeError(`item() needs a tensor with one element, got shape ${shapeToString(this.shape)}`);
    return this.data[0];
  }

  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag)
      throw new ArgumentError('requiresGrad_(false) is only allowed on leaf tensors; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** The same values, cut from the graph. Shares the buffer. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  clone(): Tensor {
    const out = new Tensor(this.data.slice(), this.shape);
    return record(out, 'CloneBackward', [this], (g) => [g]);
  }

  /** Copies `src` (same number of elements) into this tensor's buffer without recording a graph. */
  copy_(src: Tensor | Float32Array): this {
    const values = src instanceof Tensor ? src.data : src;
    if (values.length !== this.numel) {
      throw new ShapeError(`copy_ got ${values.length} values for a tensor of shape ${shapeToString(this.shape)}`);
    }
    this.data.set(values);
    return this.markDirty();
  }

  fill_(value: number): this {
    this.data.fill(value);
    return this.markDirty();
  }

  zero_(): this {
    return this.fill_(0);
  }

  /** Fills with uniform values in [low, high). */
  uniform_(low = 0, high = 1, generator: Generator = defaultGenerator): this {
    generator.fillUniform(this.data, low, high);
    return this.markDirty();
  }

  /** Fills with normal values of the given mean and standard deviation. */
  normal_(mean = 0, std = 1, generator: Generator = defaultGenerator): this {
    for (let i = 0; i < this.data.length; i++) this.data[i] = mean + std * generator.normal();
    return this.markDirty();
  }

  /** Accumulates a gradient into `.grad` (used by the autograd engine on leaves). */
  accumulateGrad(g: Tensor): void {
    if (!this.grad) {
      this.grad = new Tensor(g.data.slice(), this.shape);
      return;
    }
    const acc = this.grad.data;
    const src = g.data;
    for (let i = 0; i < acc.length; i++) acc[i] += src[i];
  }

  /** Back-propagates from this tensor; a scalar needs no seed gradient. */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad)
      throw new ArgumentError('backward() on a tensor that does not require grad and has no grad_fn');
    if (!gradient && this.numel !== 1) {
      throw new ShapeError(`backward() without a gradient needs a scalar, got shape ${shapeToString(this.shape)}`);
    }
    const seed = gradient ?? new Tensor(new Float32Array([1]), this.shape);
    if (seed.numel !== this.numel)
      throw new ShapeError(`gradient shape ${shapeToString(seed.shape)} does not match ${shapeToString(this.shape)}`);
    runBackward(this, seed);
  }

  add(other: Tensor | number): Tensor {
    return ew.add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return ew.sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return ew.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return ew.div(this, other);
  }
  pow(exponent: number): Tensor {
    return ew.pow(this, exponent);
  }
  maximum(other: Tensor | number): Tensor {
    return ew.maximum(this, other);
  }
  minimum(other: Tensor | number): Tensor {
    return ew.minimum(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }

  sum(dim?: number | number[], keepdim = false): Tensor {
    return red.sum(this, dim, keepdim);
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return red.mean(this, dim, keepdim);
  }
  /** Without `dim`, the maximum of all values; with it, values and indices along `dim`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? red.maxAll(this) : red.max(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return red.argmax(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return red.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return red.logSoftmax(this, dim);
  }

  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return sh.reshape(this, flatArgs(shape));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return sh.reshape(this, flatArgs(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return sh.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return sh.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return sh.unsqueeze(this, dim);
  }
  permute(...dims: number[]): Tensor {
    return sh.permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return sh.transpose(this, dim0, dim1);
  }
  get T(): Tensor {
    return sh.transpose(this, 0, 1);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  toString(): string {
    return `tensor(${formatValues(this)}, shape=${shapeToString(this.shape)}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

function formatValues(t: Tensor): string {
  const limit = 6;
  const shown = Array.from(t.data.subarray(0, limit), (v) => Number(v.toPrecision(4)));
  return `[${shown.join(', ')}${t.numel > limit ? ', …' : ''}]`;
}
