/** Typed errors of the WebAssembly backend. */
import { VggError } from '../../errors.js';

/** The engine lacks what a requested WebAssembly build needs (SIMD, relaxed SIMD, shared memory). */
export class WasmUnsupportedError extends VggError {
  override name = 'WasmUnsupportedError';
}

const GiB = 1024 ** 3;

/** A kernel needs more than a wasm32 memory can hold (4 GiB), or the engine refused to grow it. */
export class WasmOutOfMemoryError extends VggError {
  override name = 'WasmOutOfMemoryError';
  constructor(
    /** Bytes the memory would have to hold for this kernel. */
    readonly bytesNeeded: number,
    readonly what: string,
  ) {
    super(
      `the WebAssembly backend needs ${(bytesNeeded / GiB).toFixed(2)} GiB (${bytesNeeded} bytes) of memory for ${what}, ` +
        `more than its 4 GiB (wasm32) memory can give; use a smaller batch or image size, or the native backend`,
    );
  }
}
