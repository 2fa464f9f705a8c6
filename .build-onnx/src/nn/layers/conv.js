import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { zeros } from '../../tensor/creation.js';
import { conv2d } from '../../tensor/ops/conv.js';
import { asPair } from '../../tensor/ops/pair.js';
import { resetLinearLike } from '../init.js';
import { pyTuple } from '../pyrepr.js';
import { ArgumentError } from '../../errors.js';
export class Conv2d extends Module {
    inChannels;
    outChannels;
    kernelSize;
    stride;
    padding;
    dilation;
    weight;
    bias;
    constructor(inChannels, outChannels, kernelSize, opts = {}) {
        super();
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        for (const [what, v] of [['in_channels', inChannels], ['out_channels', outChannels]]) {
            if (!Number.isInteger(v) || v < 1)
                throw new ArgumentError(`Conv2d ${what} must be a positive integer, got ${v}`);
        }
        this.kernelSize = asPair(kernelSize, 'kernel_size', 1);
        this.stride = asPair(opts.stride ?? 1, 'stride', 1);
        this.padding = asPair(opts.padding ?? 0, 'padding', 0);
        this.dilation = asPair(opts.dilation ?? 1, 'dilation', 1);
        this.weight = this.registerParameter('weight', new Parameter(zeros([outChannels, inChannels, ...this.kernelSize])));
        this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(zeros([outChannels])));
        this.resetParameters();
    }
    resetParameters() {
        resetLinearLike(this.weight, this.bias);
    }
    forward(x) {
        return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
    }
    extraRepr() {
        let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
        if (this.padding.some((p) => p !== 0))
            s += `, padding=${pyTuple(this.padding)}`;
        if (this.dilation.some((d) => d !== 1))
            s += `, dilation=${pyTuple(this.dilation)}`;
        if (!this.bias)
            s += ', bias=False';
        return s;
    }
}
//# sourceMappingURL=conv.js.map