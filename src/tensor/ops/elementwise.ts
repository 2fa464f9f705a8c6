/** Elementwise ops with broadcasting; each backward sits beside its forward. */
import { backend } from '../../backend/registry.js';
import type { BinaryOp, UnaryOp } from '../../backend/backend.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import { sumToShape } from './reduce.js';

function asTensor(x: Tensor | number): Tensor {
  return x instanceof Tensor ? x : new Tensor(new Float32Array([x]), []);
}

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const outShape = broadcastShapes(a.shape, b.shape);
  const data = backend().binary(
    op,
    a.data,
    broadcastStrides(a.shape, outShape),
    b.data,
    broadcastStrides(b.shape, outShape),
    outShape,
  );
  return new Tensor(data, outShape);
}

/** Applies `fn` to aligned values of up to three same-shaped buffers. */
function mapValues(n: number, fn: (i: number) => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = fn(i);
  return out;
}

/** Broadcasts a to `shape` (only used on small gradient tensors in backward). */
function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  return sameShape(t.shape, shape)
    ? t
    : binaryForward('add', t, new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape));
}

export function add(a: Tensor, other: Tensor | number): Tensor {
  const b = asTensor(other);
  return record(binaryForward('add', a, b), 'AddBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(g, a.shape) : null,
    b.requiresGrad ? sumToShape(g, b.shape) : null,
  ]);
}

export function sub(a: Tensor, other: Tensor | number): Tensor {
  const b = asTensor(other);
  return record(binaryForward('sub', a, b), 'SubBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(g, a.shape) : null,
    b.requiresGrad ? sumToShape(neg(g), b.shape) : null,
  ]);
}

export function mul(a: Tensor, other: Tensor | number): Tensor {
  const b = asTensor(other);
  return record(binaryForward('mul', a, b), 'MulBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(binaryForward('mul', g, b), a.shape) : null,
    b.requiresGrad ? sumToShape(binaryForward('mul', g, a), b.shape) : null,
  ]);
}

export function div(a: Tensor, other: Tensor | number): Tensor {
  const b = asTensor(other);
  const out = binaryForward('div', a, b);
  return record(out, 'DivBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(binaryForward('div', g, b), a.shape) : null,
    // d(a/b)/db = −(a/b)/b
    b.requiresGrad ? sumToShape(neg(binaryForward('div', binaryForward('mul', g, out), b)), b.shape) : null,
  ]);
}

/** Elementwise maximum; on ties the gradient is split evenly, as in PyTorch. */
export function maximum(a: Tensor, other: Tensor | number): Tensor {
  return extremum('max', a, asTensor(other));
}

export function minimum(a: Tensor, other: Tensor | number): Tensor {
  return extremum('min', a, asTensor(other));
}

function extremum(op: 'max' | 'min', a: Tensor, b: Tensor): Tensor {
  const out = binaryForward(op, a, b);
  return record(out, op === 'max' ? 'MaximumBackward' : 'MinimumBackward', [a, b], (g) => {
    const ae = expandTo(a, out.shape).data;
    const be = expandTo(b, out.shape).data;
    const share = (mine: Float32Array, theirs: Float32Array): Float32Array =>
      mapValues(out.numel, (i) => (mine[i] === out.data[i] ? (mine[i] === theirs[i] ? 0.5 : 1) * g.data[i] : 0));
    return [
      a.requiresGrad ? sumToShape(new Tensor(share(ae, be), out.shape), a.shape) : null,
      b.requiresGrad ? sumToShape(new Tensor(share(be, ae), out.shape), b.shape) : null,
    ];
  });
}

function unaryForward(op: UnaryOp, x: Tensor): Tensor {
  return new Tensor(backend().unary(op, x.data), x.shape);
}

/**
 * A unary op whose gradient is g · f'(x, y). `derivative` fills a whole array,
 * so each op's loop stays monomorphic (a per-value callback made ReLU's
 * backward a fifth of a training step).
 */
type Derivative = (g: Float32Array, x: Float32Array, y: Float32Array, out: Float32Array) => void;

function unary(op: UnaryOp, name: string, derivative: Derivative) {
  return (x: Tensor): Tensor => {
    const y = unaryForward(op, x);
    return record(y, name, [x], (g) => {
      const gx = new Float32Array(g.numel);
      derivative(g.data, x.data, y.data, gx);
      return [new Tensor(gx, x.shape)];
    });
  };
}

export const neg = unary('neg', 'NegBackward', (g, _x, _y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = -g[i];
});
export const exp = unary('exp', 'ExpBackward', (g, _x, y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i] * y[i];
});
export const log = unary('log', 'LogBackward', (g, x, _y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i] / x[i];
});
export const sqrt = unary('sqrt', 'SqrtBackward', (g, _x, y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = (g[i] * 0.5) / y[i];
});
export const abs = unary('abs', 'AbsBackward', (g, x, _y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i] * Math.sign(x[i]);
});
/** ReLU's gradient passes g where y > 0 and is +0 elsewhere (a backend kernel: it runs on every activation). */
export function relu(x: Tensor): Tensor {
  const y = unaryForward('relu', x);
  return record(y, 'ReluBackward', [x], (g) => [new Tensor(backend().reluBackward(g.data, y.data), x.shape)]);
}
export const sigmoid = unary('sigmoid', 'SigmoidBackward', (g, _x, y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i] * y[i] * (1 - y[i]);
});
export const tanh = unary('tanh', 'TanhBackward', (g, _x, y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i] * (1 - y[i] * y[i]);
});

export function pow(x: Tensor, exponent: number): Tensor {
  const y = binaryForward('pow', x, asTensor(exponent));
  return record(y, 'PowBackward', [x], (g) => [
    new Tensor(
      mapValues(g.numel, (i) => (exponent === 0 ? 0 : g.data[i] * exponent * Math.pow(x.data[i], exponent - 1))),
      x.shape,
    ),
  ]);
}
