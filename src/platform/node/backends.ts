/** Backends Node adds to the registry: the native addon when it loads, and WebAssembly (loaded when first chosen). */
import type { Backend } from '../../backend/backend.js';
import { ArgumentError } from '../../errors.js';
import { createRefBackend } from '../../backend/ref/index.js';
import { loadNativeBackend, nativeLoadError } from '../../backend/native/index.js';
import { loadWasmBackend, wasmLoadError } from '../../backend/wasm/load-node.js';

/** Name and factory of each platform backend, best first (native only when the addon loaded). */
export function platformBackends(): [string, () => Backend][] {
  const native = loadNativeBackend(createRefBackend());
  const wasm = (): Backend => {
    const loaded = loadWasmBackend();
    if (!loaded) throw new ArgumentError(`the WebAssembly backend did not load: ${wasmLoadError()}`);
    return loaded;
  };
  return native
    ? [
        ['native', () => native],
        ['wasm', wasm],
      ]
    : [['wasm', wasm]];
}

/**
 * The backend to use when none was chosen: native, else WebAssembly, else the
 * reference backend, saying once on stderr why the faster ones are missing
 * (VGG_NATIVE=0 silences the part about the addon).
 */
export function defaultBackendName(registered: ReadonlyMap<string, unknown>): string {
  if (registered.has('native')) return 'native';
  const quiet = process.env.VGG_NATIVE === '0';
  const nativeNote = quiet ? '' : `native backend unavailable (${nativeLoadError()}); `;
  if (loadWasmBackend()) {
    if (!quiet) process.stderr.write(`vgg-ts: ${nativeNote}using WebAssembly\n`);
    return 'wasm';
  }
  process.stderr.write(
    `vgg-ts: ${nativeNote}WebAssembly backend unavailable (${wasmLoadError()}); using the reference TypeScript backend\n`,
  );
  return 'ref';
}

/** Why the native addon is not there (null when it loaded). */
export { nativeLoadError };
