/** Worker threads for the WebAssembly backend in Node (worker_threads). */
import { Worker } from 'node:worker_threads';
import type { StartWasmWorkers } from './control.js';

/**
 * Starts the workers unref'd, so that idle workers (asleep in Atomics.wait) never keep the process
 * alive. A worker that fails to start never reports ready, and tasks simply run without it.
 */
export const startNodeWorkers: StartWasmWorkers = (init, count) => {
  const workers = Array.from({ length: count }, (_, i) => {
    const worker = new Worker(new URL('./worker-node.js', import.meta.url), { workerData: { ...init, worker: i + 1 } });
    worker.on('error', () => {});
    worker.unref();
    return worker;
  });
  return {
    workers: count,
    terminate() {
      for (const worker of workers) void worker.terminate();
    },
  };
};
