import { Module } from '../module.js';
export class Flatten extends Module {
    startDim;
    endDim;
    constructor(startDim = 1, endDim = -1) {
        super();
        this.startDim = startDim;
        this.endDim = endDim;
    }
    forward(x) {
        return x.flatten(this.startDim, this.endDim);
    }
    extraRepr() {
        return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
    }
}
//# sourceMappingURL=flatten.js.map