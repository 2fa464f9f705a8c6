/** Backends Node adds to the registry: the native addon when it loads. */
import type { Backend } from '../../backend/backend.js';
import { createRefBackend } from '../../backend/ref/index.js';
import { loadNativeBackend, nativeLoadError } from '../../backend/native/index.js';

/** Name and factory of each platform backend that is available, best first. */
export function platformBackends(): [string, () => Backend][] {
  const native = loadNativeBackend(createRefBackend());
  return native ? [['native', () => native]] : [];
}

/** Says once, on stderr, why the default falls back to the reference backend (silent with VGG_NATIVE=0). */
export function reportFallback(): void {
  if (process.env.VGG_NATIVE === '0') return;
  process.stderr.write(
    `vgg-ts: native backend unavailable (${nativeLoadError()}); using the reference TypeScript backend\n`,
  );
}

/** Why the native addon is not there (null when it loaded). */
export { nativeLoadError };
