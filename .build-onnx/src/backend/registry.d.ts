/**
 * Which kernels run. Backends register under a name; the active one is
 * chosen by `setBackend`, or by the VGG_BACKEND environment variable at
 * start-up, falling back to the reference backend.
 */
import type { Backend } from './backend.js';
export declare function registerBackend(name: string, factory: () => Backend): void;
export declare function listBackends(): string[];
export declare function setBackend(name: string): Backend;
/** The backend kernels run on now. */
export declare function backend(): Backend;
/** Runs `fn` with another backend active, restoring the previous one afterwards. */
export declare function withBackend<T>(name: string, fn: () => T): T;
