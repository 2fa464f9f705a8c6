/** Python's repr() of the values that appear in PyTorch's printed modules. */
/** Python float repr: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export declare function pyFloat(x: number): string;
export declare function pyBool(b: boolean): string;
/** A Python tuple of ints: (3, 3). */
export declare function pyTuple(values: readonly number[]): string;
/** Indents every line after the first, as torch.nn.modules.module._addindent does. */
export declare function addIndent(text: string, spaces: number): string;
