import { Module } from '../module.js';
import { adaptiveAvgPool2d, maxPool2d } from '../../tensor/ops/pool.js';
import { asPair } from '../../tensor/ops/pair.js';
import { pyBool } from '../pyrepr.js';
/** Prints an option the way Python prints the value it was given: 2 or (2, 3). */
function pyIntOrPair(v) {
    return typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`;
}
export class MaxPool2d extends Module {
    kernelSize;
    stride;
    padding;
    dilation;
    ceilMode;
    constructor(kernelSize, opts = {}) {
        super();
        this.kernelSize = kernelSize;
        asPair(kernelSize, 'kernel_size', 1);
        this.stride = opts.stride ?? kernelSize;
        this.padding = opts.padding ?? 0;
        this.dilation = opts.dilation ?? 1;
        this.ceilMode = opts.ceilMode ?? false;
    }
    forward(x) {
        return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
    }
    extraRepr() {
        return `kernel_size=${pyIntOrPair(this.kernelSize)}, stride=${pyIntOrPair(this.stride)}, padding=${pyIntOrPair(this.padding)}, ` +
            `dilation=${pyIntOrPair(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
    }
}
export class AdaptiveAvgPool2d extends Module {
    outputSize;
    constructor(outputSize) {
        super();
        this.outputSize = outputSize;
    }
    forward(x) {
        return adaptiveAvgPool2d(x, this.outputSize);
    }
    extraRepr() {
        const s = this.outputSize;
        return `output_size=${typeof s === 'number' ? s : `(${s.map((v) => (v === null ? 'None' : v)).join(', ')})`}`;
    }
}
//# sourceMappingURL=pooling.js.map