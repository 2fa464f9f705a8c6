/**
 * The control block through which the calling thread hands a task to worker threads: Int32 slots in
 * the shared memory. Each worker has a mailbox it sleeps on (Atomics.wait); the caller fills the task
 * slots, gives each participant its thread id and raises its mailbox, runs share 0 itself, and waits
 * for the DONE count. A worker only reads the task slots while its mailbox is raised, and the caller
 * only rewrites them after every participant has finished, so no generation counter is needed.
 */

/** Most worker threads a pool may have (the caller is thread 0 on top of these). */
export const MAX_WORKERS = 63;

export const CODE = 0;
export const ARGS = 1;
export const NT = 2;
export const DONE = 3;
/** Set by a worker whose share trapped; the caller throws. */
export const FAILED = 4;
/** Per-worker slots: worker w (1-based) uses MAILBOX + w, READY + w and TID + w. */
export const MAILBOX = 5;
export const READY = MAILBOX + MAX_WORKERS + 1;
export const TID = READY + MAX_WORKERS + 1;
export const CONTROL_INTS = TID + MAX_WORKERS + 1;

/** What a worker thread needs to serve tasks. */
export interface WasmWorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte address of the control block. */
  control: number;
  /** This worker's number, 1-based. */
  worker: number;
}

/** Started worker threads; the platform part (worker_threads, Web Workers) lives in pool-*.ts. */
export interface WasmWorkerPool {
  readonly workers: number;
  terminate(): void;
}

/** Starts `count` workers, each running serveTasks (worker-loop.ts) with its init. */
export type StartWasmWorkers = (init: Omit<WasmWorkerInit, 'worker'>, count: number) => WasmWorkerPool;
