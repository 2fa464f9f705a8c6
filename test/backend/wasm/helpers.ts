/** Shared pieces of the WebAssembly backend tests. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';

/** Waits (up to 10 s) until every worker thread of k has started, so a task really runs on all of them. */
export async function allThreadsReady(k: WasmKernels): Promise<void> {
  for (let waited = 0; k.readyThreads() < k.threads; waited += 20) {
    if (waited > 10_000) throw new Error(`only ${k.readyThreads()} of ${k.threads} wasm threads started`);
    await sleep(20);
  }
}
