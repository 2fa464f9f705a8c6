/** Elementwise ops with broadcasting; each backward sits beside its forward. */
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import { sumToShape } from './reduce.js';
function asTensor(x) {
    return x instanceof Tensor ? x : new Tensor(new Float32Array([x]), []);
}
function binaryForward(op, a, b) {
    const outShape = broadcastShapes(a.shape, b.shape);
    const data = backend().binary(op, a.data, broadcastStrides(a.shape, outShape), b.data, broadcastStrides(b.shape, outShape), outShape);
    return new Tensor(data, outShape);
}
/** Applies `fn` to aligned values of up to three same-shaped buffers. */
function mapValues(n, fn) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++)
        out[i] = fn(i);
    return out;
}
/** Broadcasts a to `shape` (only used on small gradient tensors in backward). */
function expandTo(t, shape) {
    return sameShape(t.shape, shape) ? t : binaryForward('add', t, new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape));
}
export function add(a, other) {
    const b = asTensor(other);
    return record(binaryForward('add', a, b), 'AddBackward', [a, b], (g) => [sumToShape(g, a.shape), sumToShape(g, b.shape)]);
}
export function sub(a, other) {
    const b = asTensor(other);
    return record(binaryForward('sub', a, b), 'SubBackward', [a, b], (g) => [sumToShape(g, a.shape), sumToShape(neg(g), b.shape)]);
}
export function mul(a, other) {
    const b = asTensor(other);
    return record(binaryForward('mul', a, b), 'MulBackward', [a, b], (g) => [
        a.requiresGrad ? sumToShape(binaryForward('mul', g, b), a.shape) : null,
        b.requiresGrad ? sumToShape(binaryForward('mul', g, a), b.shape) : null,
    ]);
}
export function div(a, other) {
    const b = asTensor(other);
    const out = binaryForward('div', a, b);
    return record(out, 'DivBackward', [a, b], (g) => [
        a.requiresGrad ? sumToShape(binaryForward('div', g, b), a.shape) : null,
        // d(a/b)/db = −(a/b)/b
        b.requiresGrad ? sumToShape(neg(binaryForward('div', binaryForward('mul', g, out), b)), b.shape) : null,
    ]);
}
/** Elementwise maximum; on ties the gradient is split evenly, as in PyTorch. */
export function maximum(a, other) {
    return extremum('max', a, asTensor(other));
}
export function minimum(a, other) {
    return extremum('min', a, asTensor(other));
}
function extremum(op, a, b) {
    const out = binaryForward(op, a, b);
    return record(out, op === 'max' ? 'MaximumBackward' : 'MinimumBackward', [a, b], (g) => {
        const ae = expandTo(a, out.shape).data;
        const be = expandTo(b, out.shape).data;
        const share = (mine, theirs) => mapValues(out.numel, (i) => (mine[i] === out.data[i] ? (mine[i] === theirs[i] ? 0.5 : 1) * g.data[i] : 0));
        return [
            sumToShape(new Tensor(share(ae, be), out.shape), a.shape),
            sumToShape(new Tensor(share(be, ae), out.shape), b.shape),
        ];
    });
}
function unaryForward(op, x) {
    return new Tensor(backend().unary(op, x.data), x.shape);
}
/** A unary op whose gradient is g · f'(x, y), computed value by value. */
function unary(op, name, derivative) {
    return (x) => {
        const y = unaryForward(op, x);
        return record(y, name, [x], (g) => [new Tensor(mapValues(g.numel, (i) => g.data[i] * derivative(x.data[i], y.data[i])), x.shape)]);
    };
}
export const neg = unary('neg', 'NegBackward', () => -1);
export const exp = unary('exp', 'ExpBackward', (_x, y) => y);
export const log = unary('log', 'LogBackward', (x) => 1 / x);
export const sqrt = unary('sqrt', 'SqrtBackward', (_x, y) => 0.5 / y);
export const abs = unary('abs', 'AbsBackward', (x) => Math.sign(x));
export const relu = unary('relu', 'ReluBackward', (_x, y) => (y > 0 ? 1 : 0));
export const sigmoid = unary('sigmoid', 'SigmoidBackward', (_x, y) => y * (1 - y));
export const tanh = unary('tanh', 'TanhBackward', (_x, y) => 1 - y * y);
export function pow(x, exponent) {
    const y = binaryForward('pow', x, asTensor(exponent));
    return record(y, 'PowBackward', [x], (g) => [
        new Tensor(mapValues(g.numel, (i) => (exponent === 0 ? 0 : g.data[i] * exponent * Math.pow(x.data[i], exponent - 1))), x.shape),
    ]);
}
//# sourceMappingURL=elementwise.js.map