import { ArgumentError } from '../../errors.js';
/** Expands an int to (int, int) and checks both are integers ≥ `min`, as PyTorch's _pair does for layer options. */
export function asPair(v, what, min) {
    const pair = typeof v === 'number' ? [v, v] : [v[0], v[1]];
    if (!pair.every((x) => Number.isInteger(x) && x >= min)) {
        throw new ArgumentError(`${what} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
    }
    return pair;
}
//# sourceMappingURL=pair.js.map