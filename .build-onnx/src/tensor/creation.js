/** Ways to make tensors: from values, constant fills and seeded random draws. */
import { ShapeError } from '../errors.js';
import { Tensor } from './tensor.js';
import { checkShape, numel, shapeToString } from './shape.js';
import { defaultGenerator } from './rng.js';
/**
 * A tensor from a flat array (with a shape) or nested arrays (shape inferred).
 * A Float32Array is copied, so later writes to it do not change the tensor.
 */
export function tensor(values, shape, opts = {}) {
    let data;
    let dims;
    if (typeof values === 'number' || Array.isArray(values)) {
        const inferred = inferShape(values);
        data = Float32Array.from(flattenNested(values));
        dims = shape ? checkShape(shape) : inferred;
    }
    else {
        data = Float32Array.from(values);
        dims = shape ? checkShape(shape) : [data.length];
    }
    if (numel(dims) !== data.length) {
        throw new ShapeError(`${data.length} values cannot fill a tensor of shape ${shapeToString(dims)}`);
    }
    return finish(new Tensor(data, dims), opts);
}
export function full(shape, value, opts = {}) {
    const dims = checkShape(shape);
    return finish(new Tensor(new Float32Array(numel(dims)).fill(value), dims), opts);
}
export function zeros(shape, opts = {}) {
    return full(shape, 0, opts);
}
export function ones(shape, opts = {}) {
    return full(shape, 1, opts);
}
export function zerosLike(t) {
    return zeros(t.shape);
}
export function onesLike(t) {
    return ones(t.shape);
}
/** Standard normal values from the given (or default) generator. */
export function randn(shape, opts = {}) {
    return finish(zeros(shape).normal_(0, 1, opts.generator ?? defaultGenerator), opts);
}
/** Uniform values in [0, 1) from the given (or default) generator. */
export function rand(shape, opts = {}) {
    return finish(zeros(shape).uniform_(0, 1, opts.generator ?? defaultGenerator), opts);
}
/** Integers start, start+step, … below end, as float32 (like torch.arange). */
export function arange(start, end, step = 1) {
    const [lo, hi] = end === undefined ? [0, start] : [start, end];
    const n = Math.max(0, Math.ceil((hi - lo) / step));
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++)
        data[i] = lo + i * step;
    return new Tensor(data, [n]);
}
function finish(t, opts) {
    if (opts.requiresGrad)
        t.requiresGrad = true;
    return t;
}
function inferShape(values) {
    const dims = [];
    let v = values;
    while (Array.isArray(v)) {
        dims.push(v.length);
        if (v.length === 0)
            break;
        v = v[0];
    }
    return dims;
}
function flattenNested(values) {
    if (!Array.isArray(values))
        return [values];
    const out = [];
    const walk = (v, depth, dims) => {
        if (depth === dims.length) {
            if (Array.isArray(v))
                throw new ShapeError('nested arrays are ragged');
            out.push(v);
            return;
        }
        if (!Array.isArray(v) || v.length !== dims[depth])
            throw new ShapeError('nested arrays are ragged');
        for (const x of v)
            walk(x, depth + 1, dims);
    };
    walk(values, 0, inferShape(values));
    return out;
}
//# sourceMappingURL=creation.js.map