/**
 * Loading the WebAssembly backend in a browser or Web Worker: the build is chosen by feature probes, its
 * .wasm fetched from a URL the caller may override (package exports `vgg-ts/wasm/<file>`), and threads run
 * on Web Workers over one shared memory when the context allows it (see browserThreadsBlocker).
 */
import { VggError } from '../../errors.js';
import type { Backend } from '../backend.js';
import { registerBackend, setBackend } from '../registry.js';
import { createWasmBackend } from './backend.js';
import { chooseSimdLevel, detectWasmFeatures, wasmBuildName, type WasmSimdLevel } from './features.js';
import { wasmInfo, type WasmInfo } from './index.js';
import { WasmKernels } from './kernels.js';
import { webWorkerStarter } from './pool-web.js';

/**
 * Each build beside the compiled package (dist/src/backend/wasm -> wasm/build), one literal
 * `new URL(…, import.meta.url)` per file so that bundlers emit the files and rewrite the URLs.
 */
const PACKAGED_BUILDS: Record<string, () => URL> = {
  'vgg-relaxed-mt.wasm': () => new URL('../../../../wasm/build/vgg-relaxed-mt.wasm', import.meta.url),
  'vgg-relaxed.wasm': () => new URL('../../../../wasm/build/vgg-relaxed.wasm', import.meta.url),
  'vgg-simd-mt.wasm': () => new URL('../../../../wasm/build/vgg-simd-mt.wasm', import.meta.url),
  'vgg-simd.wasm': () => new URL('../../../../wasm/build/vgg-simd.wasm', import.meta.url),
  'vgg-scalar-mt.wasm': () => new URL('../../../../wasm/build/vgg-scalar-mt.wasm', import.meta.url),
  'vgg-scalar.wasm': () => new URL('../../../../wasm/build/vgg-scalar.wasm', import.meta.url),
};

/** A build file or the pool's worker script could not be fetched, compiled or started. */
export class WasmFetchError extends VggError {
  override name = 'WasmFetchError';
  constructor(
    readonly url: string,
    reason: string,
    hint = "serve the package's wasm/build files and pass their folder as wasmBaseUrl",
  ) {
    super(`the WebAssembly backend could not load ${url}: ${reason} (${hint})`);
  }
}

export interface WasmBrowserOptions {
  /** The folder (ending in /) that serves the vgg-*.wasm files; default: the package's wasm/build. */
  wasmBaseUrl?: string | URL;
  /** The worker script of the thread pool (worker-web.js or a bundle of it); default: beside this module. */
  workerUrl?: string | URL;
  /** Cap on the build; default: the best this engine validates. */
  simd?: WasmSimdLevel;
  /** Threads, the caller included; default navigator.hardwareConcurrency. */
  threads?: number;
  /** How long to wait for the worker threads to start before going on without the missing ones (ms). */
  workerStartTimeoutMs?: number;
}

interface BrowserGlobals {
  SharedArrayBuffer?: unknown;
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
  navigator?: { hardwareConcurrency?: number };
  location?: { href: string };
}

const globals = globalThis as unknown as BrowserGlobals;

/**
 * Why this context cannot run worker threads, or null when it can: they need a SharedArrayBuffer, which a
 * page only has when cross-origin isolated, and a caller that may block in Atomics.wait, which a page's
 * main thread may not (the backend used there runs on one thread; threads are for use inside a Worker).
 */
export function browserThreadsBlocker(): string | null {
  if (typeof globals.SharedArrayBuffer === 'undefined') {
    return globals.crossOriginIsolated === false
      ? 'no SharedArrayBuffer: the page is not cross-origin isolated ' +
          '(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
      : 'no SharedArrayBuffer in this browser';
  }
  if (typeof globals.WorkerGlobalScope === 'undefined') {
    return "on the page's main thread, where Atomics.wait is forbidden; run the model in a Web Worker for threads";
  }
  if (!detectWasmFeatures().sharedMemory) return 'this engine cannot create a shared WebAssembly.Memory';
  return null;
}

async function compileBuild(url: URL): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new WasmFetchError(url.href, e instanceof Error ? e.message : String(e));
  }
  if (!response.ok) throw new WasmFetchError(url.href, `HTTP ${response.status}`);
  try {
    // compileStreaming insists on Content-Type application/wasm; many static servers send something else.
    return response.headers.get('content-type')?.startsWith('application/wasm')
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (e) {
    throw new WasmFetchError(url.href, e instanceof Error ? e.message : String(e));
  }
}

/** Where the package keeps build `name` (a wasmBuildName), relative to this module. */
export function packagedWasmUrl(name: string): URL {
  const url = PACKAGED_BUILDS[name];
  if (!url)
    throw new WasmFetchError(name, 'no such build', `expected one of ${Object.keys(PACKAGED_BUILDS).join(', ')}`);
  return url();
}

function buildUrl(name: string, base: string | URL | undefined): URL {
  if (base === undefined) return packagedWasmUrl(name);
  return new URL(name, new URL(base, globals.location?.href));
}

/** Waits until every worker has started or failed (`failures` fills as they report), or the time is up. */
async function workersSettled(kernels: WasmKernels, failures: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (kernels.readyThreads() + failures.length < kernels.threads && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The WebAssembly kernels for this browser context, with their worker threads started. */
export async function loadWasmKernelsForBrowser(o: WasmBrowserOptions = {}): Promise<WasmKernels> {
  const level = chooseSimdLevel(detectWasmFeatures(), o.simd);
  const wanted = Math.max(1, o.threads ?? globals.navigator?.hardwareConcurrency ?? 1);
  const blocker = wanted > 1 ? browserThreadsBlocker() : null;
  const threaded = wanted > 1 && blocker === null;
  const errors: string[] = [];
  const kernels = new WasmKernels({
    module: await compileBuild(buildUrl(wasmBuildName(level, threaded), o.wasmBaseUrl)),
    level,
    threads: threaded ? wanted : 1,
    startWorkers: threaded ? webWorkerStarter({ workerUrl: o.workerUrl, onError: (m) => errors.push(m) }) : undefined,
    singleThreadReason: wanted <= 1 ? 'threads: 1 was asked for' : (blocker ?? undefined),
  });
  await workersSettled(kernels, errors, o.workerStartTimeoutMs ?? 10_000);
  if (errors.length > 0 && kernels.readyThreads() === 1) {
    kernels.terminate();
    const hint = 'serve worker-web.js (or a bundle of it) and pass its URL as workerUrl, or ask for threads: 1';
    throw new WasmFetchError(String(o.workerUrl ?? 'worker-web.js'), errors.join('; '), hint);
  }
  return kernels;
}

export interface WasmBrowserBackend {
  backend: Backend;
  kernels: WasmKernels;
  info: WasmInfo;
}

/**
 * Loads the WebAssembly backend for this browser context, registers it as 'wasm' and makes it the active
 * backend. Inside a Worker of a cross-origin isolated page it runs on `threads` threads; elsewhere on one,
 * and info.singleThreadReason says why.
 */
export async function initWasmBackendForBrowser(o: WasmBrowserOptions = {}): Promise<WasmBrowserBackend> {
  const kernels = await loadWasmKernelsForBrowser(o);
  const backend = createWasmBackend(kernels);
  registerBackend('wasm', () => backend);
  setBackend('wasm');
  return { backend, kernels, info: wasmInfo(kernels) };
}
