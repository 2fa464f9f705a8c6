/**
 * A dense float32 tensor in row-major (NCHW for images) layout. The values
 * always live contiguously in `data`; reshapes share that buffer, everything
 * else makes a new one. Methods are thin: the maths lives in ops/ and the
 * kernels behind the backend interface.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { record, runBackward } from './autograd.js';
import { contiguousStrides, numel, shapeToString, checkShape } from './shape.js';
import { defaultGenerator } from './rng.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as sh from './ops/shape.js';
import { matmul } from './ops/linalg.js';
export class Tensor {
    data;
    shape;
    requiresGrad = false;
    grad = null;
    gradFn = null;
    /** Keep `.grad` on a non-leaf tensor too (like `retain_grad()`). */
    retainsGrad = false;
    constructor(data, shape) {
        const s = checkShape(shape);
        if (data.length !== numel(s)) {
            throw new ShapeError(`${data.length} values cannot fill a tensor of shape ${shapeToString(s)}`);
        }
        this.data = data;
        this.shape = Object.freeze(s);
    }
    get ndim() {
        return this.shape.length;
    }
    get strides() {
        return contiguousStrides(this.shape);
    }
    get numel() {
        return this.data.length;
    }
    get isLeaf() {
        return this.gradFn === null;
    }
    size(dim) {
        return dim === undefined ? this.shape : this.shape[dim < 0 ? dim + this.ndim : dim];
    }
    /** A contiguous copy of the values. */
    toFloat32Array() {
        return this.data.slice();
    }
    toArray() {
        const build = (dim, offset) => {
            if (dim === this.ndim)
                return this.data[offset];
            const stride = this.strides[dim];
            return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
        };
        return build(0, 0);
    }
    item() {
        if (this.numel !== 1)
            throw new ShapeError(`item() needs a tensor with one element, got shape ${shapeToString(this.shape)}`);
        return this.data[0];
    }
    requiresGrad_(flag = true) {
        if (!this.isLeaf && !flag)
            throw new ArgumentError('requiresGrad_(false) is only allowed on leaf tensors; use detach()');
        this.requiresGrad = flag;
        return this;
    }
    retainGrad() {
        this.retainsGrad = true;
        return this;
    }
    /** The same values, cut from the graph. Shares the buffer. */
    detach() {
        return new Tensor(this.data, this.shape);
    }
    clone() {
        const out = new Tensor(this.data.slice(), this.shape);
        return record(out, 'CloneBackward', [this], (g) => [g]);
    }
    /** Copies `src` (same number of elements) into this tensor's buffer without recording a graph. */
    copy_(src) {
        const values = src instanceof Tensor ? src.data : src;
        if (values.length !== this.numel) {
            throw new ShapeError(`copy_ got ${values.length} values for a tensor of shape ${shapeToString(this.shape)}`);
        }
        this.data.set(values);
        return this;
    }
    fill_(value) {
        this.data.fill(value);
        return this;
    }
    zero_() {
        return this.fill_(0);
    }
    /** Fills with uniform values in [low, high). */
    uniform_(low = 0, high = 1, generator = defaultGenerator) {
        generator.fillUniform(this.data, low, high);
        return this;
    }
    /** Fills with normal values of the given mean and standard deviation. */
    normal_(mean = 0, std = 1, generator = defaultGenerator) {
        for (let i = 0; i < this.data.length; i++)
            this.data[i] = mean + std * generator.normal();
        return this;
    }
    /** Accumulates a gradient into `.grad` (used by the autograd engine on leaves). */
    accumulateGrad(g) {
        if (!this.grad) {
            this.grad = new Tensor(g.data.slice(), this.shape);
            return;
        }
        const acc = this.grad.data;
        const src = g.data;
        for (let i = 0; i < acc.length; i++)
            acc[i] += src[i];
    }
    /** Back-propagates from this tensor; a scalar needs no seed gradient. */
    backward(gradient) {
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
    add(other) { return ew.add(this, other); }
    sub(other) { return ew.sub(this, other); }
    mul(other) { return ew.mul(this, other); }
    div(other) { return ew.div(this, other); }
    pow(exponent) { return ew.pow(this, exponent); }
    maximum(other) { return ew.maximum(this, other); }
    minimum(other) { return ew.minimum(this, other); }
    neg() { return ew.neg(this); }
    exp() { return ew.exp(this); }
    log() { return ew.log(this); }
    sqrt() { return ew.sqrt(this); }
    abs() { return ew.abs(this); }
    relu() { return ew.relu(this); }
    sigmoid() { return ew.sigmoid(this); }
    tanh() { return ew.tanh(this); }
    sum(dim, keepdim = false) { return red.sum(this, dim, keepdim); }
    mean(dim, keepdim = false) { return red.mean(this, dim, keepdim); }
    max(dim, keepdim = false) {
        return dim === undefined ? red.maxAll(this) : red.max(this, dim, keepdim);
    }
    argmax(dim, keepdim = false) { return red.argmax(this, dim, keepdim); }
    softmax(dim) { return red.softmax(this, dim); }
    logSoftmax(dim) { return red.logSoftmax(this, dim); }
    reshape(...shape) { return sh.reshape(this, flatArgs(shape)); }
    view(...shape) { return sh.reshape(this, flatArgs(shape)); }
    flatten(startDim = 0, endDim = -1) { return sh.flatten(this, startDim, endDim); }
    squeeze(dim) { return sh.squeeze(this, dim); }
    unsqueeze(dim) { return sh.unsqueeze(this, dim); }
    permute(...dims) { return sh.permute(this, dims); }
    transpose(dim0, dim1) { return sh.transpose(this, dim0, dim1); }
    get T() { return sh.transpose(this, 0, 1); }
    matmul(other) { return matmul(this, other); }
    toString() {
        return `tensor(${formatValues(this)}, shape=${shapeToString(this.shape)}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
    }
    [Symbol.for('nodejs.util.inspect.custom')]() {
        return this.toString();
    }
}
function flatArgs(args) {
    return Array.isArray(args[0]) ? [...args[0]] : args;
}
function formatValues(t) {
    const limit = 6;
    const shown = Array.from(t.data.subarray(0, limit), (v) => Number(v.toPrecision(4)));
    return `[${shown.join(', ')}${t.numel > limit ? ', …' : ''}]`;
}
//# sourceMappingURL=tensor.js.map