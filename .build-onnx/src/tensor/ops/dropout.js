/** Inverted dropout: zero each value with probability p and scale the rest by 1/(1−p). */
import { ArgumentError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { defaultGenerator } from '../rng.js';
export function dropout(x, p = 0.5, training = true, generator = defaultGenerator) {
    if (!(p >= 0 && p <= 1))
        throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
    if (!training || p === 0)
        return x;
    const scale = p === 1 ? 0 : 1 / (1 - p);
    const mask = new Float32Array(x.numel);
    for (let i = 0; i < mask.length; i++)
        mask[i] = generator.random() < p ? 0 : scale;
    const y = new Float32Array(x.numel);
    for (let i = 0; i < y.length; i++)
        y[i] = x.data[i] * mask[i];
    return record(new Tensor(y, x.shape), 'DropoutBackward', [x], (g) => {
        const gx = new Float32Array(g.numel);
        for (let i = 0; i < gx.length; i++)
            gx[i] = g.data[i] * mask[i];
        return [new Tensor(gx, x.shape)];
    });
}
//# sourceMappingURL=dropout.js.map