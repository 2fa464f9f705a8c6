/**
 * A restricted unpickler for the pickles that torch.save writes.
 *
 * Python's pickle is a little stack machine whose GLOBAL/REDUCE opcodes can
 * import and call anything, which is how malicious checkpoints run code. This
 * interpreter never imports or calls anything: GLOBAL only yields an inert
 * PyGlobal marker, and only names on an allowlist are accepted at all.
 * Calling an allowed global (REDUCE/NEWOBJ) is delegated to a caller-supplied
 * hook (the checkpoint reader builds lazy tensor records there), with
 * OrderedDict() and torch.Size(...) handled here.
 *
 * Resource limits: each opcode consumes at least one byte and creates at most
 * one object, so work and memory are linear in the input; on top of that the
 * mark stack, value stack, memo and container nesting depth are capped.
 * Python dicts become `Map`s, so keys such as "__proto__" are plain data.
 */
import * as OP from './pickle-opcodes.js';
import { ByteReader, decodeLatin1, decodeUtf8 } from './bytes.js';
import { ForbiddenGlobalError, PickleError } from './errors.js';

/** A Python tuple (kept distinct from lists, which are plain arrays). */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A reference to an allowlisted global (class or function). It is never resolved to code. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * Python values map to: None -> null, bool -> boolean, int -> number (or
 * bigint beyond 2^53), float -> number, str -> string, bytes -> Uint8Array,
 * list -> Array, tuple -> PyTuple, dict/OrderedDict -> Map, globals -> PyGlobal,
 * plus whatever the hooks return.
 */
export type PyValue = unknown;

const STORAGE_TYPES = ['Float', 'Half', 'BFloat16', 'Double', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'];

/** The globals a checkpoint may name. Everything else raises ForbiddenGlobalError. */
export const DEFAULT_ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._tensor._rebuild_from_type_v2',
  'torch.Size',
  // Inert class markers: appear as the `new_type` argument of _rebuild_from_type_v2.
  'torch.Tensor',
  'torch.nn.parameter.Parameter',
  ...STORAGE_TYPES.map((t) => `torch.${t}Storage`),
]);

/** Return value of a `call` hook meaning "I don't handle this global". */
export const NOT_HANDLED: unique symbol = Symbol('NOT_HANDLED');

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
export function pyTypeName(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function isContainer(v: unknown): v is unknown[] | Map<unknown, unknown> | PyTuple {
  return Array.isArray(v) || v instanceof Map || v instanceof PyTuple;
}

function bigintFromLE(bytes: Uint8Array): bigint {
  // Two's complement little-endian, as in Python's int.from_bytes(..., 'little', signed=True).
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

function normaliseInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const MAX_LONG_BYTES = 1024; // torch never needs more than 9; caps quadratic bigint work.
const MAX_TEXT_LINE = 1 << 16;

class Unpickler {
  private readonly r: ByteReader;
  private pos: number;
  private opPos = 0;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly depth = new WeakMap<object, number>();
  private readonly allowed: ReadonlySet<string>;
  private readonly maxDepth: number;
  private readonly maxStack: number;
  private readonly maxMemo: number;

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly opts: UnpickleOptions,
  ) {
    this.r = new ByteReader(bytes, (msg, off) => new PickleError(msg, { offset: off, where: opts.where }));
    this.pos = start;
    this.allowed = opts.allowedGlobals ?? DEFAULT_ALLOWED_GLOBALS;
    this.maxDepth = opts.maxDepth ?? 1000;
    this.maxStack = opts.maxStack ?? 100_000;
    this.maxMemo = opts.maxMemo ?? 1_000_000;
  }

  private fail(message: string): PickleError {
    return new PickleError(message, { offset: this.opPos, where: this.opts.where });
  }

  // ---- reading primitives -------------------------------------------------

  private take(n: number, what: string): Uint8Array {
    const s = this.r.slice(this.pos, n, what);
    this.pos += n;
    return s;
  }
  private u8(what: string): number {
    const v = this.r.u8(this.pos, what);
    this.pos += 1;
    return v;
  }
  private u16(what: string): number {
    const v = this.r.u16(this.pos, what);
    this.pos += 2;
    return v;
  }
  private u32(what: string): number {
    const v = this.r.u32(this.pos, what);
    this.pos += 4;
    return v;
  }
  private i32(what: string): number {
    const v = this.r.i32(this.pos, what);
    this.pos += 4;
    return v;
  }
  private u64(what: string): number {
    const v = this.r.u64(this.pos, what);
    this.pos += 8;
    return v;
  }
  private line(what: string, latin1 = false): string {
    const bytes = this.r.bytes;
    const limit = Math.min(bytes.length, this.pos + MAX_TEXT_LINE);
    let end = this.pos;
    while (end < limit && bytes[end] !== 0x0a /* '\n' */) end++;
    if (end >= limit) throw this.fail(`unterminated ${what} line`);
    const raw = bytes.subarray(this.pos, end);
    const text = latin1 ? decodeLatin1(raw) : decodeUtf8(raw);
    if (text === undefined) throw this.fail(`${what} is not valid UTF-8`);
    this.pos = end + 1;
    return text;
  }
  private utf8(n: number, what: string): string {
    const s = decodeUtf8(this.take(n, what));
    if (s === undefined) throw this.fail(`${what} is not valid UTF-8`);
    return s;
  }

  // ---- stack helpers -----------------------------------------------------

  private push(v: unknown): void {
    if (this.stack.length >= this.maxStack) throw this.fail(`value stack exceeds ${this.maxStack} entries`);
    this.stack.push(v);
  }
  private pop(): unknown {
    if (this.stack.length === 0) throw this.fail('stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private mark(): void {
    if (this.marks.length >= this.maxDepth) throw this.fail(`MARK nesting exceeds ${this.maxDepth}`);
    this.marks.push(this.stack);
    this.stack = [];
  }
  /** Items pushed since the last MARK, restoring the stack below it. */
  private popMark(): unknown[] {
    const below = this.marks.pop();
    if (below === undefined) throw this.fail('no MARK on the stack');
    const items = this.stack;
    this.stack = below;
    return items;
  }
  private depthOf(v: unknown): number {
    return typeof v === 'object' && v !== null ? (this.depth.get(v) ?? (isContainer(v) ? 1 : 0)) : 0;
  }
  /** Records that `child` now sits inside `parent`, enforcing maxDepth. */
  private nest(parent: object, child: unknown): void {
    const d = this.depthOf(child) + 1;
    if (d > this.maxDepth) throw this.fail(`containers nested deeper than ${this.maxDepth}`);
    if (d > this.depthOf(parent)) this.depth.set(parent, d);
  }
  private newTuple(items: unknown[]): PyTuple {
    const t = new PyTuple(items);
    for (const it of items) this.nest(t, it);
    return t;
  }
  private list(v: unknown, op: string): unknown[] {
    if (!Array.isArray(v)) throw this.fail(`${op} on a ${pyTypeName(v)}, expected a list`);
    return v;
  }
  private dict(v: unknown, op: string): Map<unknown, unknown> {
    if (!(v instanceof Map)) throw this.fail(`${op} on a ${pyTypeName(v)}, expected a dict`);
    return v;
  }
  private setItem(d: Map<unknown, unknown>, k: unknown, v: unknown): void {
    if (Array.isArray(k) || k instanceof Map) throw this.fail(`unhashable dict key of type ${pyTypeName(k)}`);
    this.nest(d, v);
    d.set(k, v);
  }
  private memoPut(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.maxMemo)
      throw this.fail(`memo exceeds ${this.maxMemo} entries`);
    this.memo.set(index, this.top());
  }
  private memoGet(index: number): void {
    if (!this.memo.has(index)) throw this.fail(`memo key ${index} was never stored`);
    this.push(this.memo.get(index));
  }

  // ---- globals and calls -------------------------------------------------

  private resolveGlobal(module: string, name: string): PyGlobal {
    const full = `${module}.${name}`;
    if (!this.allowed.has(full)) throw new ForbiddenGlobalError(full, { offset: this.opPos, where: this.opts.where });
    return new PyGlobal(module, name);
  }

  private call(fn: unknown, args: unknown, op: string): unknown {
    if (!(fn instanceof PyGlobal)) throw this.fail(`${op}: cannot call a ${pyTypeName(fn)}`);
    if (!(args instanceof PyTuple)) throw this.fail(`${op}: arguments are a ${pyTypeName(args)}, expected a tuple`);
    if (this.opts.call !== undefined) {
      const out = this.opts.call(fn, args.items, this.opPos);
      if (out !== NOT_HANDLED) return out;
    }
    switch (fn.qualifiedName) {
      case 'collections.OrderedDict':
        if (args.items.length === 0) return new Map();
        break;
      case 'torch.Size': {
        const [dims] = args.items;
        if (args.items.length === 1 && (dims instanceof PyTuple || Array.isArray(dims))) {
          const items = dims instanceof PyTuple ? dims.items : dims;
          return this.newTuple([...items]);
        }
        break;
      }
    }
    throw this.fail(`${op}: calling ${fn.qualifiedName} with ${args.items.length} argument(s) is not supported`);
  }

  private persistent(pid: unknown): unknown {
    if (this.opts.persistentLoad === undefined) throw this.fail('persistent id found but no loader was supplied');
    return this.opts.persistentLoad(pid, this.opPos);
  }

  // ---- the interpreter loop ----------------------------------------------

  run(): UnpickleResult {
    for (;;) {
      this.opPos = this.pos;
      const op = this.u8('opcode');
      switch (op) {
        case OP.PROTO: {
          const proto = this.u8('protocol');
          if (proto > 5) throw this.fail(`unsupported pickle protocol ${proto}`);
          break;
        }
        case OP.FRAME: {
          // only a buffering hint; check the length is plausible
          const n = this.u64('frame length');
          if (n > this.r.length - this.pos) throw this.fail(`frame of ${n} bytes runs past the end`);
          break;
        }
        case OP.STOP:
          return { value: this.pop(), end: this.pos };

        case OP.MARK:
          this.mark();
          break;
        case OP.POP:
          this.pop();
          break;
        case OP.POP_MARK:
          this.popMark();
          break;
        case OP.DUP:
          this.push(this.top());
          break;

        case OP.NONE:
          this.push(null);
          break;
        case OP.NEWTRUE:
          this.push(true);
          break;
        case OP.NEWFALSE:
          this.push(false);
          break;

        case OP.BININT1:
          this.push(this.u8('BININT1'));
          break;
        case OP.BININT2:
          this.push(this.u16('BININT2'));
          break;
        case OP.BININT:
          this.push(this.i32('BININT'));
          break;
        case OP.LONG1:
          this.push(normaliseInt(bigintFromLE(this.take(this.u8('LONG1 length'), 'LONG1'))));
          break;
        case OP.LONG4: {
          const n = this.i32('LONG4 length');
          if (n < 0 || n > MAX_LONG_BYTES) throw this.fail(`LONG4 length ${n} out of range`);
          this.push(normaliseInt(bigintFromLE(this.take(n, 'LONG4'))));
          break;
        }
        case OP.INT: {
          // text; "01"/"00" are protocol-0 booleans
          const s = this.line('INT');
          if (s === '01' || s === '00') this.push(s === '01');
          else this.push(this.parseTextInt(s, 'INT'));
          break;
        }
        case OP.LONG: {
          // text, optional trailing L
          const s = this.line('LONG');
          this.push(this.parseTextInt(s.endsWith('L') ? s.slice(0, -1) : s, 'LONG'));
          break;
        }
        case OP.BINFLOAT: // big-endian double
          this.push(this.r.f64be(this.pos, 'BINFLOAT'));
          this.pos += 8;
          break;
        case OP.FLOAT: {
          // repr() text on one line
          const s = this.line('FLOAT').trim();
          if (!/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|nan)$/i.test(s))
            throw this.fail(`bad FLOAT literal`);
          this.push(/inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(s) ? NaN : Number(s));
          break;
        }

        case OP.SHORT_BINUNICODE:
          this.push(this.utf8(this.u8('length'), 'SHORT_BINUNICODE'));
          break;
        case OP.BINUNICODE:
          this.push(this.utf8(this.u32('length'), 'BINUNICODE'));
          break;
        case OP.BINUNICODE8:
          this.push(this.utf8(this.u64('length'), 'BINUNICODE8'));
          break;
        case OP.UNICODE:
          this.push(this.rawUnicodeEscape(this.line('UNICODE', true)));
          break;
        case OP.SHORT_BINSTRING:
          this.push(this.utf8(this.u8('length'), 'SHORT_BINSTRING'));
          break;
        case OP.BINSTRING: {
          // python 2 str; torch.load decodes these as UTF-8
          const n = this.i32('length');
          if (n < 0) throw this.fail('negative BINSTRING length');
          this.push(this.utf8(n, 'BINSTRING'));
          break;
        }
        case OP.SHORT_BINBYTES:
          this.push(this.take(this.u8('length'), 'SHORT_BINBYTES'));
          break;
        case OP.BINBYTES:
          this.push(this.take(this.u32('length'), 'BINBYTES'));
          break;
        case OP.BINBYTES8:
          this.push(this.take(this.u64('length'), 'BINBYTES8'));
          break;
        case OP.BYTEARRAY8:
          this.push(this.take(this.u64('length'), 'BYTEARRAY8').slice());
          break;

        case OP.EMPTY_DICT:
          this.push(new Map());
          break;
        case OP.EMPTY_LIST:
          this.push([]);
          break;
        case OP.EMPTY_TUPLE:
          this.push(new PyTuple([]));
          break;
        case OP.DICT: {
          const items = this.popMark();
          if (items.length % 2 !== 0) throw this.fail('DICT with an odd number of items');
          const d = new Map<unknown, unknown>();
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i], items[i + 1]);
          this.push(d);
          break;
        }
        case OP.LIST: {
          const items = this.popMark();
          const l: unknown[] = [];
          for (const it of items) {
            this.nest(l, it);
            l.push(it);
          }
          this.push(l);
          break;
        }
        case OP.TUPLE:
          this.push(this.newTuple(this.popMark()));
          break;
        case OP.TUPLE1:
          this.push(this.newTuple([this.pop()]));
          break;
        case OP.TUPLE2: {
          const b = this.pop();
          const a = this.pop();
          this.push(this.newTuple([a, b]));
          break;
        }
        case OP.TUPLE3: {
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push(this.newTuple([a, b, c]));
          break;
        }
        case OP.APPEND: {
          const v = this.pop();
          const l = this.list(this.top(), 'APPEND');
          this.nest(l, v);
          l.push(v);
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark();
          const l = this.list(this.top(), 'APPENDS');
          for (const it of items) {
            this.nest(l, it);
            l.push(it);
          }
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItem(this.dict(this.top(), 'SETITEM'), k, v);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          if (items.length % 2 !== 0) throw this.fail('SETITEMS with an odd number of items');
          const d = this.dict(this.top(), 'SETITEMS');
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i], items[i + 1]);
          break;
        }

        case OP.PUT:
          this.memoPut(this.parseIndex(this.line('PUT')));
          break;
        case OP.BINPUT:
          this.memoPut(this.u8('BINPUT index'));
          break;
        case OP.LONG_BINPUT:
          this.memoPut(this.u32('LONG_BINPUT index'));
          break;
        case OP.MEMOIZE:
          this.memoPut(this.memo.size);
          break;
        case OP.GET:
          this.memoGet(this.parseIndex(this.line('GET')));
          break;
        case OP.BINGET:
          this.memoGet(this.u8('BINGET index'));
          break;
        case OP.LONG_BINGET:
          this.memoGet(this.u32('LONG_BINGET index'));
          break;

        case OP.GLOBAL: {
          const module = this.line('GLOBAL module');
          const name = this.line('GLOBAL name');
          this.push(this.resolveGlobal(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') throw this.fail('STACK_GLOBAL needs two strings');
          this.push(this.resolveGlobal(module, name));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop();
          const fn = this.pop();
          this.push(this.call(fn, args, 'REDUCE'));
          break;
        }
        case OP.NEWOBJ: {
          // cls.__new__(cls, *args), treated like a call
          const args = this.pop();
          const cls = this.pop();
          this.push(this.call(cls, args, 'NEWOBJ'));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size !== 0)
            throw this.fail('NEWOBJ_EX with keyword arguments is not supported');
          this.push(this.call(cls, args, 'NEWOBJ_EX'));
          break;
        }
        case OP.INST: {
          const module = this.line('INST module');
          const name = this.line('INST name');
          const cls = this.resolveGlobal(module, name);
          this.push(this.call(cls, new PyTuple(this.popMark()), 'INST'));
          break;
        }
        case OP.OBJ: {
          const items = this.popMark();
          if (items.length === 0) throw this.fail('OBJ without a class');
          this.push(this.call(items[0], new PyTuple(items.slice(1)), 'OBJ'));
          break;
        }
        case OP.BUILD: {
          const state = this.pop();
          const obj = this.top();
          // OrderedDict state dicts carry a `_metadata` attribute this way; attributes are dropped.
          if (!(obj instanceof Map)) throw this.fail(`BUILD on a ${pyTypeName(obj)} is not supported`);
          if (!(state === null || state instanceof Map || state instanceof PyTuple)) {
            throw this.fail(`BUILD with a ${pyTypeName(state)} state`);
          }
          break;
        }
        case OP.PERSID:
          this.push(this.persistent(this.line('PERSID')));
          break;
        case OP.BINPERSID:
          this.push(this.persistent(this.pop()));
          break;

        default:
          throw this.fail(`unsupported or invalid opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }

  private parseTextInt(s: string, what: string): number | bigint {
    const t = s.trim();
    if (!/^[-+]?\d{1,1000}$/.test(t)) throw this.fail(`bad ${what} literal`);
    return normaliseInt(BigInt(t));
  }

  private parseIndex(s: string): number {
    if (!/^\d{1,15}$/.test(s)) throw this.fail('bad memo index');
    return Number(s);
  }

  /** Python's raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes. */
  private rawUnicodeEscape(s: string): string {
    return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4?: string, u8?: string) => {
      const cp = parseInt(u4 ?? u8 ?? '0', 16);
      if (cp > 0x10ffff) throw this.fail('bad \\U escape');
      return String.fromCodePoint(cp);
    });
  }
}

/** Runs one pickle starting at `start` and returns its value and end offset. */
export function unpickle(bytes: Uint8Array, start = 0, opts: UnpickleOptions = {}): UnpickleResult {
  return new Unpickler(bytes, start, opts).run();
}
