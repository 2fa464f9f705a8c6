/** The backend a browser runs on, chosen once before the first kernel. */
import { backend } from '../backend/registry.js';

export interface BrowserBackendOptions {
  /**
   * Where the WebAssembly backend's `.wasm` file is served from (bundlers do not copy it on their own;
   * package export `vgg-ts/wasm`). Read by the wasm backend once src/backend/wasm is registered here.
   */
  wasmUrl?: string | URL;
}

export interface BackendInfo {
  /** The registered backend kernels run on: 'wasm' when it loaded, else 'ref' (plain TypeScript). */
  name: string;
  /** Threads the kernels use. */
  threads: number;
  /** Whether the page is cross-origin isolated (COOP + COEP), which wasm threads need. */
  crossOriginIsolated: boolean;
}

/**
 * Registers the browser's backends, best first, and says which one runs: the wasm backend slots in
 * here (`await initWasmBackend({ wasmUrl })`, then `registerBackend('wasm', …)`), falling back to ref.
 */
export async function initBrowserBackend(_opts: BrowserBackendOptions = {}): Promise<BackendInfo> {
  return {
    name: backend().name,
    threads: 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
  };
}
