/** Python's repr() of the values that appear in PyTorch's printed modules. */
/** Python float repr: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloat(x) {
    if (Number.isNaN(x))
        return 'nan';
    if (!Number.isFinite(x))
        return x > 0 ? 'inf' : '-inf';
    if (Number.isInteger(x) && Math.abs(x) < 1e16)
        return `${x}.0`;
    const abs = Math.abs(x);
    if (abs >= 1e-4 && abs < 1e16)
        return String(x);
    const [mantissa, exponent] = x.toExponential().split('e');
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
export function pyBool(b) {
    return b ? 'True' : 'False';
}
/** A Python tuple of ints: (3, 3). */
export function pyTuple(values) {
    return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}
/** Indents every line after the first, as torch.nn.modules.module._addindent does. */
export function addIndent(text, spaces) {
    const lines = text.split('\n');
    if (lines.length === 1)
        return text;
    const pad = ' '.repeat(spaces);
    return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}
//# sourceMappingURL=pyrepr.js.map