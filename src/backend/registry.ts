/**
 * Which kernels run. Backends register under a name; the active one is
 * chosen by `setBackend`, or by the VGG_BACKEND environment variable at
 * start-up, else the platform's best: in Node the native addon when it
 * loaded, else the WebAssembly backend, else the reference backend (saying
 * once why the faster ones are missing). Which backends a platform adds comes
 * from `#platform/backends`; the browser entry registers wasm itself.
 */
import type { Backend } from './backend.js';
import { ArgumentError } from '../errors.js';
import { createRefBackend } from './ref/index.js';
import { defaultBackendName as platformDefault, platformBackends } from '#platform/backends';

let registered: Map<string, () => Backend> | null = null;
let active: Backend | null = null;

/**
 * The registered backends, the platform's added on first use rather than at
 * import: the native loader imports modules that import this one, so asking it
 * while modules are still being evaluated would find it uninitialised.
 */
function backends(): Map<string, () => Backend> {
  if (!registered) {
    registered = new Map([['ref', createRefBackend]]);
    for (const [name, factory] of platformBackends()) registered.set(name, factory);
  }
  return registered;
}

export function registerBackend(name: string, factory: () => Backend): void {
  backends().set(name, factory);
}

export function listBackends(): string[] {
  return [...backends().keys()];
}

export function setBackend(name: string): Backend {
  const factory = backends().get(name);
  if (!factory) throw new ArgumentError(`unknown backend "${name}"; available: ${listBackends().join(', ')}`);
  active = factory();
  return active;
}

/** The backend chosen when nothing was set: VGG_BACKEND, else native, else wasm, else ref. */
function defaultBackendName(): string {
  const wanted = typeof process !== 'undefined' ? process.env.VGG_BACKEND : undefined;
  if (wanted) {
    if (!backends().has(wanted))
      throw new ArgumentError(`VGG_BACKEND=${wanted} is not available; available: ${listBackends().join(', ')}`);
    return wanted;
  }
  return platformDefault(backends());
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
