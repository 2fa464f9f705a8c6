/**
 * A stack-like arena over the module's WebAssembly.Memory: kernels take blocks with alloc() and hand
 * them all back with release(mark); whatever stays allocated below a mark (a plan's prepared weights)
 * survives. The memory grows on demand up to wasm32's 4 GiB and never shrinks.
 */
import { WasmOutOfMemoryError } from './errors.js';

const PAGE = 65536;
/** wasm32 addresses 2^32 bytes; the modules declare this maximum. */
export const MAX_PAGES = 65536;
const ALIGN = 64;

export class WasmArena {
  private top: number;
  private highWater: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
    this.highWater = this.top;
  }

  /** The highest top since the last call (then restarts from the current top). */
  takePeak(): number {
    const peak = this.highWater;
    this.highWater = this.top;
    return peak;
  }

  /** The current top, to hand to release(). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** A 64-byte aligned block of `bytes` (contents unspecified); `what` names the kernel in the error. */
  alloc(bytes: number, what: string): number {
    const start = align(this.top);
    const end = start + bytes;
    this.ensure(end, what);
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return start;
  }

  /** A block holding a copy of `data`. */
  copyIn(data: Float32Array | Int32Array, what: string): number {
    const at = this.alloc(data.byteLength, what);
    new Uint8Array(this.memory.buffer, at, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return at;
  }

  /** A zero-filled block of n floats. */
  zeros(n: number, what: string): number {
    const at = this.alloc(n * 4, what);
    new Float32Array(this.memory.buffer, at, n).fill(0);
    return at;
  }

  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }

  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n);
  }

  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, n);
  }

  private ensure(end: number, what: string): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil(end / PAGE);
    if (pages > MAX_PAGES) throw new WasmOutOfMemoryError(end, what);
    try {
      this.memory.grow(pages - have / PAGE);
    } catch {
      throw new WasmOutOfMemoryError(end, what);
    }
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
