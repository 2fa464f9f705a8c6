import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import { conv2d, type Conv2dOptions } from '../../tensor/ops/conv.js';
import { asPair, type IntOrPair } from '../../tensor/ops/pair.js';
import { resetLinearLike } from '../init.js';
import { pyTuple } from '../pyrepr.js';
import { ArgumentError } from '../../errors.js';

export class Conv2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrPair,
    opts: Conv2dOptions = {},
  ) {
    super();
    for (const [what, v] of [
      ['in_channels', inChannels],
      ['out_channels', outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Conv2d ${what} must be a positive integer, got ${v}`);
    }
    this.kernelSize = asPair(kernelSize, 'kernel_size', 1);
    this.stride = asPair(opts.stride ?? 1, 'stride', 1);
    this.padding = asPair(opts.padding ?? 0, 'padding', 0);
    this.dilation = asPair(opts.dilation ?? 1, 'dilation', 1);
    this.weight = this.registerParameter('weight', new Parameter(zeros([outChannels, inChannels, ...this.kernelSize])));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(zeros([outChannels])));
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}
