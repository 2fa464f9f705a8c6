/**
 * Errors raised while reading or writing checkpoint files.
 *
 * Every problem caused by the *content* of a file (truncation, corruption,
 * hostile constructs, unsupported features) surfaces as a CheckpointError or
 * one of its subclasses, so callers can tell "bad file" apart from bugs and
 * environment failures with a single `instanceof` test.
 */
export interface CheckpointErrorOptions {
    /** Byte offset in the file (or in the sub-stream named by `where`) where the problem was found. */
    offset?: number;
    /** Which part of the file: e.g. a zip entry name, "data.pkl", "safetensors header". */
    where?: string;
    cause?: unknown;
}
export declare class CheckpointError extends Error {
    name: string;
    readonly offset?: number;
    readonly where?: string;
    constructor(message: string, opts?: CheckpointErrorOptions);
}
/** Malformed or unsupported ZIP container (bad records, CRC mismatch, zip bombs…). */
export declare class ZipError extends CheckpointError {
    name: string;
}
/** Malformed pickle stream, or one that exceeds the unpickler's resource limits. */
export declare class PickleError extends CheckpointError {
    name: string;
}
/** The pickle names a global outside the allowlist; nothing was imported or executed. */
export declare class ForbiddenGlobalError extends PickleError {
    name: string;
    /** The refused global as `module.name`. */
    readonly global: string;
    constructor(global: string, opts?: CheckpointErrorOptions);
}
/** Malformed safetensors file (header, offsets, dtypes…). */
export declare class SafetensorsError extends CheckpointError {
    name: string;
}
