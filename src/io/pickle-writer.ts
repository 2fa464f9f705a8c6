/**
 * Emits pickle opcodes (protocol 2). Only what the checkpoint writer needs:
 * scalars, strings, tuples, dicts, globals (memoised like CPython does),
 * REDUCE and BINPERSID.
 */
import { utf8Encoder } from './bytes.js';
import * as OP from './pickle-opcodes.js';

export class PickleBuilder {
  private readonly chunks: Uint8Array[] = [];
  private readonly globals = new Map<string, number>();
  private nextMemo = 0;

  private op(...bytes: number[]): this {
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  proto(version: number): this {
    return this.op(OP.PROTO, version);
  }

  stop(): this {
    return this.op(OP.STOP);
  }

  mark(): this {
    return this.op(OP.MARK);
  }

  none(): this {
    return this.op(OP.NONE);
  }

  bool(v: boolean): this {
    return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
  }

  int(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`cannot pickle ${v} as an int`);
    if (v >= 0 && v < 0x100) return this.op(OP.BININT1, v);
    if (v >= 0 && v < 0x10000) return this.op(OP.BININT2, v & 0xff, v >> 8);
    if (v >= -0x80000000 && v < 0x80000000) return this.op(OP.BININT, ...this.u32(v));
    // Minimal two's-complement little-endian bytes.
    const bytes: number[] = [];
    let b = BigInt(v);
    for (;;) {
      const byte = Number(b & 0xffn);
      bytes.push(byte);
      b >>= 8n;
      if ((b === 0n && (byte & 0x80) === 0) || (b === -1n && (byte & 0x80) !== 0)) break;
    }
    return this.op(OP.LONG1, bytes.length, ...bytes);
  }

  str(s: string): this {
    const bytes = utf8Encoder.encode(s);
    this.op(OP.BINUNICODE, ...this.u32(bytes.length));
    this.chunks.push(bytes);
    return this;
  }

  /** GLOBAL, memoised with BINPUT/BINGET so repeated globals cost two bytes. */
  global(module: string, name: string): this {
    const key = `${module}\n${name}\n`;
    const memo = this.globals.get(key);
    if (memo !== undefined) return memo < 0x100 ? this.op(OP.BINGET, memo) : this.op(OP.LONG_BINGET, ...this.u32(memo));
    this.op(OP.GLOBAL);
    this.chunks.push(utf8Encoder.encode(key));
    const index = this.nextMemo++;
    this.globals.set(key, index);
    return index < 0x100 ? this.op(OP.BINPUT, index) : this.op(OP.LONG_BINPUT, ...this.u32(index));
  }

  emptyTuple(): this {
    return this.op(OP.EMPTY_TUPLE);
  }

  /** TUPLE: everything since the matching mark(). */
  tuple(): this {
    return this.op(OP.TUPLE);
  }

  emptyDict(): this {
    return this.op(OP.EMPTY_DICT);
  }

  setItems(): this {
    return this.op(OP.SETITEMS);
  }

  reduce(): this {
    return this.op(OP.REDUCE);
  }

  binPersId(): this {
    return this.op(OP.BINPERSID);
  }

  /** A tuple of ints (shape or stride), via mark()...tuple() or EMPTY_TUPLE. */
  intTuple(values: readonly number[]): this {
    if (values.length === 0) return this.emptyTuple();
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  bytes(): Uint8Array {
    let total = 0;
    for (const c of this.chunks) total += c.length;
    const out = new Uint8Array(total);
    let pos = 0;
    for (const c of this.chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  }
}
