/**
 * Seeded random numbers: xoshiro128** for uniform 32-bit words, 24-bit floats
 * in [0, 1) like PyTorch's float32 `rand`, and polar-method normals. The whole
 * state (including a cached second normal) can be saved and restored so a
 * resumed training run draws the same numbers as an uninterrupted one.
 */
export interface GeneratorState {
    s: [number, number, number, number];
    spareNormal: number | null;
}
export declare class Generator {
    private s;
    private spareNormal;
    constructor(seed?: number);
    /** Seeds the state with splitmix32 so nearby seeds give unrelated streams. */
    manualSeed(seed: number): this;
    nextUint32(): number;
    /** Uniform in [0, 1) with 24 random bits, exactly representable in float32. */
    random(): number;
    /**
     * Standard normal by Marsaglia's polar method (no trigonometry, about 1.27
     * uniform pairs per two normals); the second value of each pair is kept
     * for the next call.
     */
    normal(): number;
    /** Fills `out` with uniform values in [low, high); the hot loop of weight initialisation, kept free of calls. */
    fillUniform(out: Float32Array, low: number, high: number): void;
    /** Uniform integer in [0, n) without modulo bias. */
    randint(n: number): number;
    getState(): GeneratorState;
    setState(state: GeneratorState): void;
}
/** The generator used when none is passed, like torch.default_generator. */
export declare const defaultGenerator: Generator;
export declare function manualSeed(seed: number): Generator;
