/** A Python tuple (kept distinct from lists, which are plain arrays). */
export declare class PyTuple {
    readonly items: readonly unknown[];
    constructor(items: readonly unknown[]);
}
/** A reference to an allowlisted global (class or function). It is never resolved to code. */
export declare class PyGlobal {
    readonly module: string;
    readonly name: string;
    constructor(module: string, name: string);
    get qualifiedName(): string;
}
/**
 * Python values map to: None -> null, bool -> boolean, int -> number (or
 * bigint beyond 2^53), float -> number, str -> string, bytes -> Uint8Array,
 * list -> Array, tuple -> PyTuple, dict/OrderedDict -> Map, globals -> PyGlobal,
 * plus whatever the hooks return.
 */
export type PyValue = unknown;
/** The globals a checkpoint may name. Everything else raises ForbiddenGlobalError. */
export declare const DEFAULT_ALLOWED_GLOBALS: ReadonlySet<string>;
/** Return value of a `call` hook meaning "I don't handle this global". */
export declare const NOT_HANDLED: unique symbol;
export interface UnpickleOptions {
    /** Resolves persistent ids (PERSID/BINPERSID). Without it such opcodes are errors. */
    persistentLoad?: (pid: PyValue, offset: number) => PyValue;
    /**
     * Produces the result of calling an allowed global (REDUCE, NEWOBJ, INST,
     * OBJ) with the given positional arguments. Return NOT_HANDLED to fall back
     * to the built-in handlers (OrderedDict, torch.Size), which throw for
     * anything else.
     */
    call?: (fn: PyGlobal, args: readonly PyValue[], offset: number) => PyValue;
    /** Replaces DEFAULT_ALLOWED_GLOBALS. */
    allowedGlobals?: ReadonlySet<string>;
    /** Maximum nesting of MARKs and of containers (default 1000). */
    maxDepth?: number;
    /** Maximum value-stack size (default 100 000). */
    maxStack?: number;
    /** Maximum memo entries (default 1 000 000). */
    maxMemo?: number;
    /** Name used in error messages, e.g. "archive/data.pkl". */
    where?: string;
}
export interface UnpickleResult {
    value: PyValue;
    /** Offset just past the STOP opcode (where a following pickle would start). */
    end: number;
}
/** Human-readable Python-ish type name of a value, without walking into it. */
export declare function pyTypeName(v: unknown): string;
/** Runs one pickle starting at `start` and returns its value and end offset. */
export declare function unpickle(bytes: Uint8Array, start?: number, opts?: UnpickleOptions): UnpickleResult;
