/** A Web Worker that runs wasm-checks.ts on request and posts the report (or the error) back. */
import { runWasmChecks, type WasmCheckRequest } from './wasm-checks.js';

const scope = globalThis as unknown as {
  onmessage: (event: { data: WasmCheckRequest }) => void;
  postMessage(message: unknown): void;
};
scope.onmessage = (event) => {
  runWasmChecks(event.data).then(
    (report) => scope.postMessage({ report }),
    (e: unknown) => scope.postMessage({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
};
