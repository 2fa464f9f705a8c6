/** A spying backend: forwards every kernel to the active backend and counts the calls by kernel name. */
import type { Backend } from '../../src/backend/backend.js';
import { backend, registerBackend } from '../../src/backend/registry.js';

/** Registers `name` as a counting wrapper of the backend active now; returns the live call counts. */
export function registerCountingBackend(name: string): Map<string, number> {
  const calls = new Map<string, number>();
  const base = backend();
  registerBackend(
    name,
    () =>
      new Proxy(base, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as Backend,
  );
  return calls;
}
