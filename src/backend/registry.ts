/**
 * Which kernels run. Backends register under a name; the active one is
 * chosen by `setBackend`, or by the VGG_BACKEND environment variable at
 * start-up, falling back to the reference backend.
 */
import type { Backend } from './backend.js';
import { ArgumentError } from '../errors.js';
import { createRefBackend } from './ref/index.js';

const backends = new Map<string, () => Backend>();
let active: Backend | null = null;

registerBackend('ref', createRefBackend);

export function registerBackend(name: string, factory: () => Backend): void {
  backends.set(name, factory);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

export function setBackend(name: string): Backend {
  const factory = backends.get(name);
  if (!factory) throw new ArgumentError(`unknown backend "${name}"; available: ${listBackends().join(', ')}`);
  active = factory();
  return active;
}

/** The backend kernels run on now. */
export function backend(): Backend {
  if (!active) {
    const wanted = typeof process !== 'undefined' ? process.env.VGG_BACKEND : undefined;
    active = setBackend(wanted && backends.has(wanted) ? wanted : 'ref');
  }
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
