/** Typed errors for bad input: each names what was wrong and where. */
/** An argument has the wrong shape, rank or size for the operation or layer receiving it. */
export declare class ShapeError extends Error {
    name: string;
    /** Names of the modules the error passed through, outermost first ('features', '0'). */
    readonly modulePath: string[];
    readonly detail: string;
    constructor(detail: string);
    /** Called by containers as the error leaves a child, so the message names the layer. */
    enterModule(name: string): void;
}
/** A state dict does not fit a module: every problem is listed in one message. */
export declare class StateDictError extends Error {
    readonly missingKeys: string[];
    readonly unexpectedKeys: string[];
    readonly shapeMismatches: {
        key: string;
        expected: number[];
        got: number[];
    }[];
    name: string;
    constructor(missingKeys: string[], unexpectedKeys: string[], shapeMismatches: {
        key: string;
        expected: number[];
        got: number[];
    }[], moduleName: string);
}
/** A value outside what an option or argument accepts. */
export declare class ArgumentError extends Error {
    name: string;
}
