/**
 * The WebAssembly backend: every kernel of backend.ts in a module compiled from wasm/src
 * (AssemblyScript) with SIMD128 (relaxed fused multiply-add where the engine validates it) and worker
 * threads on a shared memory. In Node it loads synchronously (loadWasmBackend); initWasmBackend is the
 * asynchronous form that also takes a module fetched from a URL.
 */
import type { Backend } from '../backend.js';
import { createWasmBackend } from './backend.js';
import type { StartWasmWorkers } from './control.js';
import { chooseSimdLevel, detectWasmFeatures, type WasmSimdLevel } from './features.js';
import { WasmKernels } from './kernels.js';

export { WasmOutOfMemoryError, WasmUnsupportedError } from './errors.js';
export { detectWasmFeatures, type WasmFeatures, type WasmSimdLevel } from './features.js';
export { WasmKernels } from './kernels.js';
export { createWasmBackend } from './backend.js';

/** What `vgg info` prints about a running WebAssembly backend. */
export interface WasmInfo {
  build: WasmSimdLevel;
  threads: number;
  sharedMemory: boolean;
  singleThreadReason?: string;
}

export function wasmInfo(k: WasmKernels): WasmInfo {
  return { build: k.level, threads: k.threads, sharedMemory: k.shared, singleThreadReason: k.singleThreadReason };
}

export interface WasmInitOptions {
  /** Where the build file lies; fetched and compiled (streaming where the engine can). */
  wasmUrl?: string | URL;
  /** An already compiled build (its SIMD level given by `simd`). */
  module?: WebAssembly.Module;
  simd?: WasmSimdLevel;
  /** Threads, the caller included (needs `startWorkers` and a -mt build for more than 1). */
  threads?: number;
  startWorkers?: StartWasmWorkers;
}

/** Asynchronous set-up from a URL or a compiled module; browser-clean. */
export async function initWasmBackend(o: WasmInitOptions): Promise<{ backend: Backend; kernels: WasmKernels }> {
  const level = o.simd ?? chooseSimdLevel(detectWasmFeatures());
  let module = o.module;
  if (!module) {
    if (!o.wasmUrl) throw new TypeError('initWasmBackend needs a wasmUrl or a compiled module');
    module = await WebAssembly.compileStreaming(fetch(o.wasmUrl));
  }
  const threads = o.startWorkers ? (o.threads ?? 1) : 1;
  const kernels = new WasmKernels({ module, level, threads, startWorkers: o.startWorkers });
  return { backend: createWasmBackend(kernels), kernels };
}
