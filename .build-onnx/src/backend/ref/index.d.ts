/** The reference backend: readable TypeScript kernels, the oracle for every other backend. */
import type { Backend } from '../backend.js';
export declare function createRefBackend(): Backend;
