import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { adaptiveAvgPool2d, maxPool2d, type MaxPool2dOptions } from '../../tensor/ops/pool.js';
import { asPair, type IntOrPair } from '../../tensor/ops/pair.js';
import { pyBool } from '../pyrepr.js';

/** Prints an option the way Python prints the value it was given: 2 or (2, 3). */
function pyIntOrPair(v: IntOrPair): string {
  return typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`;
}

export class MaxPool2d extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: IntOrPair,
    opts: MaxPool2dOptions = {},
  ) {
    super();
    asPair(kernelSize, 'kernel_size', 1);
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyIntOrPair(this.kernelSize)}, stride=${pyIntOrPair(this.stride)}, padding=${pyIntOrPair(this.padding)}, ` +
      `dilation=${pyIntOrPair(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`
    );
  }
}

export type AdaptiveSize = number | readonly [number | null, number | null];

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    const s = this.outputSize;
    return `output_size=${typeof s === 'number' ? s : `(${s.map((v) => (v === null ? 'None' : v)).join(', ')})`}`;
  }
}
