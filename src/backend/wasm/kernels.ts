/**
 * The core of the WebAssembly backend: one instance of a kernel module on one WebAssembly.Memory, the
 * arena inside it, and the dispatch of parallel tasks to worker threads (control.ts). Browser-clean:
 * it takes a compiled module and, for threads, a function that starts workers; the platform loaders
 * (load-node.ts, a future load-browser.ts) supply both.
 */
import { ARGS, CODE, CONTROL_INTS, DONE, FAILED, MAILBOX, MAX_WORKERS, NT, READY, TID } from './control.js';
import type { StartWasmWorkers, WasmWorkerPool } from './control.js';
import type { WasmSimdLevel } from './features.js';
import { MAX_PAGES, WasmArena } from './memory.js';

/** Task codes of the module's runTask (wasm/src/index.ts). */
export const TASK_GEMM = 1;
export const TASK_IM2COL = 2;
export const TASK_COL2IM = 3;
export const TASK_WINO_WEIGHTS = 4;
export const TASK_WINO_INPUT = 5;
export const TASK_WINO_GEMM = 6;
export const TASK_WINO_OUTPUT = 7;
export const TASK_DIRECT_CONV = 8;
export const TASK_WGRAD = 9;
export const TASK_MAX_POOL = 10;
export const TASK_MAX_POOL_BACKWARD = 11;
export const TASK_BATCH_NORM = 12;
export const TASK_BATCH_NORM_BACKWARD = 13;
export const TASK_CHANNEL_MOMENTS = 14;

/** Argument slots of one task (float64 each). */
const ARG_SLOTS = 24;

/** The module's exports (wasm/src/index.ts); addresses are byte offsets into the memory. */
export interface WasmExports {
  runTask(code: number, args: number, tid: number, nt: number): void;
  heapBase(): number;
  gemmScratchFloats(): number;
  winoScratchFloats(): number;
  winoInputScratchFloats(C: number, tilesW: number): number;
  gemmTileRows(): number;
  gemmTileCols(): number;
  fillBias(y: number, bias: number, C: number, plane: number): void;
  directPackedFloats(K: number, C: number, kh: number, kw: number): number;
  directPackWeights(w: number, packed: number, K: number, C: number, kh: number, kw: number): void;
  directScratchFloats(C: number, kh: number, kw: number, OW: number): number;
  wgradScratchFloats(K: number): number;
  maxPool2d(x: number, y: number, idx: number, ...params: number[]): void;
  adaptiveAvgPool2d(x: number, y: number, planes: number, H: number, W: number, oh: number, ow: number): void;
  adaptiveAvgPool2dBackward(gy: number, gx: number, planes: number, H: number, W: number, oh: number, ow: number): void;
  batchNorm(...args: number[]): void;
  unary(op: number, x: number, y: number, n: number): void;
  reluBackward(g: number, y: number, gx: number, n: number): void;
  binary(op: number, a: number, b: number, out: number, n: number, meta: number, rank: number): void;
  sumAxis(x: number, y: number, acc: number, outer: number, size: number, inner: number): void;
  maxAxis(x: number, values: number, indices: number, outer: number, size: number, inner: number): void;
  sgdStep(...args: number[]): void;
  adamStep(...args: number[]): void;
}

export interface WasmKernelsOptions {
  module: WebAssembly.Module;
  /** The build the module is (for info). */
  level: WasmSimdLevel;
  /** Threads to use, the caller included; more than 1 needs `startWorkers` and a module built for shared memory. */
  threads: number;
  startWorkers?: StartWasmWorkers;
  /** Why the backend runs on one thread, when it does although more were wanted. */
  singleThreadReason?: string;
}

export class WasmKernels {
  readonly exports: WasmExports;
  readonly memory: WebAssembly.Memory;
  readonly arena: WasmArena;
  readonly level: WasmSimdLevel;
  readonly shared: boolean;
  readonly singleThreadReason: string | undefined;
  private readonly requestedThreads: number;
  private pool: WasmWorkerPool | null;
  private readonly control: Int32Array;
  private readonly argsAt: number;
  private readonly participants: number[] = [];

  constructor(o: WasmKernelsOptions) {
    const threads = Math.max(1, Math.min(o.threads, MAX_WORKERS + 1));
    this.shared = threads > 1 && o.startWorkers !== undefined;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: this.shared });
    const instance = new WebAssembly.Instance(o.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as WasmExports;
    this.level = o.level;
    this.arena = new WasmArena(this.memory, this.exports.heapBase());
    const controlAt = this.arena.alloc(CONTROL_INTS * 4, 'the control block');
    this.argsAt = this.arena.alloc(ARG_SLOTS * 8, 'the task arguments');
    this.control = new Int32Array(this.memory.buffer, controlAt, CONTROL_INTS);
    this.pool =
      this.shared && o.startWorkers
        ? o.startWorkers({ module: o.module, memory: this.memory, control: controlAt }, threads - 1)
        : null;
    this.requestedThreads = threads;
    this.singleThreadReason = o.singleThreadReason;
  }

  /**
   * Runs task `code` with `args` on up to `maxThreads` threads: the caller takes share 0, each worker
   * that has started takes one more (workers still starting are left out of this task).
   */
  run(code: number, args: readonly number[], maxThreads = this.threads): void {
    this.arena.f64(this.argsAt, ARG_SLOTS).set(args);
    const c = this.control;
    const helpers = this.readyWorkers(Math.min(maxThreads, this.threads) - 1);
    const nt = helpers.length + 1;
    if (nt === 1) {
      this.exports.runTask(code, this.argsAt, 0, 1);
      return;
    }
    c[CODE] = code;
    c[ARGS] = this.argsAt;
    c[NT] = nt;
    Atomics.store(c, DONE, 0);
    helpers.forEach((w, i) => {
      c[TID + w] = i + 1;
      Atomics.store(c, MAILBOX + w, 1);
      Atomics.notify(c, MAILBOX + w);
    });
    try {
      this.exports.runTask(code, this.argsAt, 0, nt);
    } finally {
      for (let done = Atomics.load(c, DONE); done < nt - 1; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
    }
    if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error(`WebAssembly task ${code} failed in a worker thread`);
  }

  /** Threads a task may use, the caller included. */
  get threads(): number {
    return this.pool ? this.requestedThreads : 1;
  }

  /** Threads that would take part in a task now: the caller and the workers that have started. */
  readyThreads(): number {
    return this.readyWorkers(this.requestedThreads - 1).length + 1;
  }

  /** Stops the worker threads; the kernels keep working on the calling thread. */
  terminate(): void {
    this.pool?.terminate();
    this.pool = null;
  }

  private readyWorkers(max: number): number[] {
    const out = this.participants;
    out.length = 0;
    if (!this.pool) return out;
    for (let w = 1; w <= this.pool.workers && out.length < max; w++) {
      if (Atomics.load(this.control, READY + w) === 1) out.push(w);
    }
    return out;
  }
}
