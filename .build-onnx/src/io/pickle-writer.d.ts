export declare class PickleBuilder {
    private readonly chunks;
    private readonly globals;
    private nextMemo;
    private op;
    private u32;
    proto(version: number): this;
    stop(): this;
    mark(): this;
    none(): this;
    bool(v: boolean): this;
    int(v: number): this;
    str(s: string): this;
    /** GLOBAL, memoised with BINPUT/BINGET so repeated globals cost two bytes. */
    global(module: string, name: string): this;
    emptyTuple(): this;
    /** TUPLE: everything since the matching mark(). */
    tuple(): this;
    emptyDict(): this;
    setItems(): this;
    reduce(): this;
    binPersId(): this;
    /** A tuple of ints (shape or stride), via mark()...tuple() or EMPTY_TUPLE. */
    intTuple(values: readonly number[]): this;
    bytes(): Uint8Array;
}
