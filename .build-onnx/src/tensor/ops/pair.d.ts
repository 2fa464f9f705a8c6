export type IntOrPair = number | readonly [number, number];
/** Expands an int to (int, int) and checks both are integers ≥ `min`, as PyTorch's _pair does for layer options. */
export declare function asPair(v: IntOrPair, what: string, min: number): [number, number];
