/**
 * No backend registers itself in a browser: loading WebAssembly is asynchronous, so the browser entry
 * registers wasm once it is loaded (initWasmBackendForBrowser), and ref is always there.
 */
import type * as node from '../node/backends.js';

export const platformBackends: typeof node.platformBackends = () => [];

export const defaultBackendName: typeof node.defaultBackendName = (registered) =>
  registered.has('wasm') ? 'wasm' : 'ref';

export const nativeLoadError: typeof node.nativeLoadError = () => 'a browser has no native addon';
