/** The test page's script: runs wasm-checks.ts inside a Web Worker or on the page's main thread. */
import { initWasmBackendForBrowser } from '../../../src/backend/wasm/load-browser.js';
import { runWasmChecks, type WasmCheckReport, type WasmCheckRequest } from './wasm-checks.js';

interface CheckWorker {
  onmessage: ((event: { data: { report?: WasmCheckReport; error?: string } }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
declare const Worker: new (url: string, options: { type: 'module' }) => CheckWorker;

function inWorker(req: WasmCheckRequest): Promise<WasmCheckReport> {
  const worker = new Worker('/wasm-check-worker.js', { type: 'module' });
  return new Promise<WasmCheckReport>((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.report ? resolve(data.report) : reject(new Error(data.error)));
    worker.postMessage(req);
  }).finally(() => worker.terminate());
}

/** The error a load from a folder without the builds gives, as "name: message". */
function loadFromMissingFolder(): Promise<string> {
  return initWasmBackendForBrowser({ wasmBaseUrl: '/missing/', threads: 1 }).then(
    () => 'loaded',
    (e: Error) => `${e.name}: ${e.message}`,
  );
}

Object.assign(globalThis, { wasmChecks: { inWorker, onMainThread: runWasmChecks, loadFromMissingFolder } });
