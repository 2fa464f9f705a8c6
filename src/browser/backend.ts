/** The backend a browser runs on, chosen once before the first kernel: wasm when it loads, else ref. */
import { backend } from '../backend/registry.js';
import { WasmUnsupportedError } from '../backend/wasm/errors.js';
import type { WasmSimdLevel } from '../backend/wasm/features.js';
import { initWasmBackendForBrowser, WasmFetchError } from '../backend/wasm/load-browser.js';

export interface BrowserBackendOptions {
  /**
   * The folder (ending in /) serving the package's `vgg-*.wasm` builds (package exports `vgg-ts/wasm/*`);
   * default: the package's wasm/build beside the unbundled modules. Bundlers do not copy them on their own.
   */
  wasmBaseUrl?: string | URL;
  /**
   * The thread pool's worker script (package export `vgg-ts/wasm/worker-web.js`, or a bundle of it);
   * default: beside the unbundled modules. Only fetched where threads can run.
   */
  workerUrl?: string | URL;
  /** Threads, the caller included; default navigator.hardwareConcurrency. */
  threads?: number;
}

export interface BackendInfo {
  /** The registered backend kernels run on: 'wasm' when it loaded, else 'ref' (plain TypeScript). */
  name: string;
  /** The wasm build in use ('relaxed', 'simd' or 'scalar'); absent on ref. */
  build?: WasmSimdLevel;
  /** Threads the kernels use. */
  threads: number;
  /** Why only one thread runs (or why wasm did not load), when that is so. */
  singleThreadReason?: string;
  /** Whether the page is cross-origin isolated (COOP + COEP), which wasm threads need. */
  crossOriginIsolated: boolean;
}

/**
 * Loads the WebAssembly backend and makes it the active one; threaded inside a Worker of a cross-origin
 * isolated page, else on one thread. Where its files cannot be fetched or the engine lacks WebAssembly
 * features, kernels stay on ref and singleThreadReason says why; other failures are thrown.
 */
export async function initBrowserBackend(opts: BrowserBackendOptions = {}): Promise<BackendInfo> {
  const crossOriginIsolated = globalThis.crossOriginIsolated === true;
  try {
    const { kernels, info } = await initWasmBackendForBrowser({
      wasmBaseUrl: opts.wasmBaseUrl,
      workerUrl: opts.workerUrl,
      threads: opts.threads,
    });
    const threads = kernels.readyThreads();
    const singleThreadReason =
      info.singleThreadReason ??
      (threads < info.threads ? `only ${threads} of ${info.threads} threads started` : undefined);
    return { name: 'wasm', build: info.build, threads, singleThreadReason, crossOriginIsolated };
  } catch (e) {
    if (!(e instanceof WasmFetchError || e instanceof WasmUnsupportedError)) throw e;
    return {
      name: backend().name,
      threads: 1,
      singleThreadReason: `the WebAssembly backend did not load (${e.message})`,
      crossOriginIsolated,
    };
  }
}
