/**
 * Emits pickle opcodes (protocol 2). Only what the checkpoint writer needs:
 * scalars, strings, tuples, dicts, globals (memoised like CPython does),
 * REDUCE and BINPERSID.
 */
import { utf8Encoder } from './bytes.js';
export class PickleBuilder {
    chunks = [];
    globals = new Map();
    nextMemo = 0;
    op(...bytes) {
        this.chunks.push(Uint8Array.from(bytes));
        return this;
    }
    u32(n) {
        return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
    }
    proto(version) {
        return this.op(0x80, version);
    }
    stop() {
        return this.op(0x2e);
    }
    mark() {
        return this.op(0x28);
    }
    none() {
        return this.op(0x4e);
    }
    bool(v) {
        return this.op(v ? 0x88 : 0x89);
    }
    int(v) {
        if (!Number.isSafeInteger(v))
            throw new RangeError(`cannot pickle ${v} as an int`);
        if (v >= 0 && v < 0x100)
            return this.op(0x4b, v); // BININT1
        if (v >= 0 && v < 0x10000)
            return this.op(0x4d, v & 0xff, v >> 8); // BININT2
        if (v >= -0x80000000 && v < 0x80000000)
            return this.op(0x4a, ...this.u32(v)); // BININT
        // LONG1: minimal two's-complement little-endian bytes.
        const bytes = [];
        let b = BigInt(v);
        for (;;) {
            const byte = Number(b & 0xffn);
            bytes.push(byte);
            b >>= 8n;
            if ((b === 0n && (byte & 0x80) === 0) || (b === -1n && (byte & 0x80) !== 0))
                break;
        }
        return this.op(0x8a, bytes.length, ...bytes);
    }
    str(s) {
        const bytes = utf8Encoder.encode(s);
        this.op(0x58, ...this.u32(bytes.length)); // BINUNICODE
        this.chunks.push(bytes);
        return this;
    }
    /** GLOBAL, memoised with BINPUT/BINGET so repeated globals cost two bytes. */
    global(module, name) {
        const key = `${module}\n${name}\n`;
        const memo = this.globals.get(key);
        if (memo !== undefined)
            return memo < 0x100 ? this.op(0x68, memo) : this.op(0x6a, ...this.u32(memo));
        this.op(0x63);
        this.chunks.push(utf8Encoder.encode(key));
        const index = this.nextMemo++;
        this.globals.set(key, index);
        return index < 0x100 ? this.op(0x71, index) : this.op(0x72, ...this.u32(index));
    }
    emptyTuple() {
        return this.op(0x29);
    }
    /** TUPLE: everything since the matching mark(). */
    tuple() {
        return this.op(0x74);
    }
    emptyDict() {
        return this.op(0x7d);
    }
    setItems() {
        return this.op(0x75);
    }
    reduce() {
        return this.op(0x52);
    }
    binPersId() {
        return this.op(0x51);
    }
    /** A tuple of ints (shape or stride), via mark()...tuple() or EMPTY_TUPLE. */
    intTuple(values) {
        if (values.length === 0)
            return this.emptyTuple();
        this.mark();
        for (const v of values)
            this.int(v);
        return this.tuple();
    }
    bytes() {
        let total = 0;
        for (const c of this.chunks)
            total += c.length;
        const out = new Uint8Array(total);
        let pos = 0;
        for (const c of this.chunks) {
            out.set(c, pos);
            pos += c.length;
        }
        return out;
    }
}
//# sourceMappingURL=pickle-writer.js.map