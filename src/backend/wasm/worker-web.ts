/**
 * Entry of a Web Worker of the WebAssembly backend (started by pool-web.ts): the first message carries
 * the compiled module and the shared memory; from then on the worker sleeps in Atomics.wait between
 * tasks, which a dedicated worker may do.
 */
import type { WasmWorkerInit } from './control.js';
import { serveTasks } from './worker-loop.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: WasmWorkerInit }) => void) | null };
scope.onmessage = (event) => {
  scope.onmessage = null;
  serveTasks(event.data);
};
