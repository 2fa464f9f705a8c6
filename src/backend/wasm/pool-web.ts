/** Web Workers for the WebAssembly backend in browsers (the counterpart of pool-node.ts). */
import type { StartWasmWorkers } from './control.js';

/** The part of the DOM's Worker this file uses (the project compiles without the DOM library). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}
declare const Worker: new (url: string | URL, options: { type: 'module'; name: string }) => WebWorker;

export interface WebWorkerOptions {
  /** The worker script (worker-web.js, or a bundle of it); default: beside this module. */
  workerUrl?: string | URL;
  /** Told when a worker fails to load or start; tasks then run without it. */
  onError?: (message: string) => void;
}

/**
 * A StartWasmWorkers that starts module Web Workers, each instantiating the module on the shared memory
 * (worker-web.ts). The default spells `new Worker(new URL('./worker-web.js', import.meta.url))` so that
 * bundlers (Vite, webpack) find the worker and emit it.
 */
export function webWorkerStarter(o: WebWorkerOptions = {}): StartWasmWorkers {
  return (init, count) => {
    const workers = Array.from({ length: count }, (_, i) => {
      const options = { type: 'module', name: `vgg-wasm-${i + 1}` } as const;
      const worker = o.workerUrl
        ? new Worker(o.workerUrl, options)
        : new Worker(new URL('./worker-web.js', import.meta.url), options);
      worker.addEventListener('error', (e) => o.onError?.(`wasm worker ${i + 1}: ${e.message ?? 'failed to start'}`));
      worker.postMessage({ ...init, worker: i + 1 });
      return worker;
    });
    return {
      workers: count,
      terminate() {
        for (const worker of workers) worker.terminate();
      },
    };
  };
}
