/**
 * Weight initialisation, with PyTorch's names (camelCased) and formulas.
 * Each fills the tensor in place, without recording a graph, and returns it.
 */
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/rng.js';

export type Nonlinearity =
  'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

export interface KaimingOptions {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** Fan-in and fan-out of a weight [out, in, ...kernel] (kernel sizes multiply both). */
export function calculateFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2)
    throw new ArgumentError(
      `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [${t.shape.join(', ')}])`,
    );
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  return t.uniform_(a, b, generator);
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return t.normal_(mean, std, generator);
}

export function constant_(t: Tensor, value: number): Tensor {
  return t.fill_(value);
}

export function zeros_(t: Tensor): Tensor {
  return t.fill_(0);
}

export function ones_(t: Tensor): Tensor {
  return t.fill_(1);
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const fans = calculateFans(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fans.fanIn : fans.fanOut;
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return t.normal_(0, kaimingStd(t, opts), opts.generator ?? defaultGenerator);
}

export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return t.uniform_(-bound, bound, opts.generator ?? defaultGenerator);
}

export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return t.uniform_(-bound, bound, generator);
}

export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  return t.normal_(0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

/** PyTorch's default for Conv and Linear layers: kaiming_uniform(a=√5) weights, bias uniform in ±1/√fan_in. */
export function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = calculateFans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
