/**
 * Which kernels run. Backends register under a name; the active one is
 * chosen by `setBackend`, or by the VGG_BACKEND environment variable at
 * start-up, else the native addon when it loaded, else the WebAssembly
 * backend, else the reference backend (saying once why the faster ones are
 * missing; VGG_NATIVE=0 silences the note about the addon).
 */
import type { Backend } from './backend.js';
import { ArgumentError } from '../errors.js';
import { createRefBackend } from './ref/index.js';
import { loadNativeBackend, nativeLoadError } from './native/index.js';
import { loadWasmBackend, wasmLoadError } from './wasm/load-node.js';

const backends = new Map<string, () => Backend>();
let active: Backend | null = null;
let builtInsRegistered = false;

/**
 * Registers ref, native (when the addon loads) and wasm on first use rather than at import, so that
 * modules this one imports (the native backend's plans, which build Tensors) may import it back.
 */
function registerBuiltIns(): void {
  if (builtInsRegistered) return;
  builtInsRegistered = true;
  backends.set('ref', createRefBackend);
  const native = loadNativeBackend(createRefBackend());
  if (native) backends.set('native', () => native);
  backends.set('wasm', () => {
    const wasm = loadWasmBackend();
    if (!wasm) throw new ArgumentError(`the WebAssembly backend did not load: ${wasmLoadError()}`);
    return wasm;
  });
}

export function registerBackend(name: string, factory: () => Backend): void {
  registerBuiltIns();
  backends.set(name, factory);
}

export function listBackends(): string[] {
  registerBuiltIns();
  return [...backends.keys()];
}

export function setBackend(name: string): Backend {
  registerBuiltIns();
  const factory = backends.get(name);
  if (!factory) throw new ArgumentError(`unknown backend "${name}"; available: ${listBackends().join(', ')}`);
  active = factory();
  return active;
}

/** The backend chosen when nothing was set: VGG_BACKEND, else native, else wasm, else ref. */
function defaultBackendName(): string {
  registerBuiltIns();
  const wanted = typeof process !== 'undefined' ? process.env.VGG_BACKEND : undefined;
  if (wanted) {
    if (!backends.has(wanted))
      throw new ArgumentError(`VGG_BACKEND=${wanted} is not available; available: ${listBackends().join(', ')}`);
    return wanted;
  }
  if (backends.has('native')) return 'native';
  const quiet = process.env.VGG_NATIVE === '0';
  if (loadWasmBackend()) {
    if (!quiet) process.stderr.write(`vgg-ts: native backend unavailable (${nativeLoadError()}); using WebAssembly\n`);
    return 'wasm';
  }
  process.stderr.write(
    `vgg-ts: ${quiet ? '' : `native backend unavailable (${nativeLoadError()}), `}WebAssembly backend unavailable ` +
      `(${wasmLoadError()}); using the reference TypeScript backend\n`,
  );
  return 'ref';
}

/** The backend kernels run on now. */
export function backend(): Backend {
  active ??= setBackend(defaultBackendName());
  return active;
}

/** Runs `fn` with another backend active, restoring the previous one afterwards. */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = backend();
  setBackend(name);
  try {
    return fn();
  } finally {
    active = previous;
  }
}
