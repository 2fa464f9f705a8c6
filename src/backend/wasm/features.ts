/**
 * Which WebAssembly build this engine can run, decided by validating tiny probe modules (a v128
 * constant; one relaxed fused multiply-add) and by whether a shared memory can be made. Browser-clean.
 */

import { WasmUnsupportedError } from './errors.js';

export type WasmSimdLevel = 'relaxed' | 'simd' | 'scalar';

export interface WasmFeatures {
  simd: boolean;
  relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be created (SharedArrayBuffer, cross-origin isolation). */
  sharedMemory: boolean;
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** (func (result v128) v128.const i32x4 0 0 0 0) */
const SIMD_PROBE = hexBytes('0061736d010000000105016000017b030201000a16011400fd0c000000000000000000000000000000000b');
/** (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd) */
const RELAXED_PROBE = hexBytes('0061736d0100000001080160037b7b7b017b030201000a0d010b00200020012002fd85020b');

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Whether this engine validates SIMD128 and relaxed SIMD: the probes alone, no memory made. */
export function detectSimd(): Pick<WasmFeatures, 'simd' | 'relaxedSimd'> {
  const simd = WebAssembly.validate(SIMD_PROBE);
  return { simd, relaxedSimd: simd && WebAssembly.validate(RELAXED_PROBE) };
}

export function detectWasmFeatures(): WasmFeatures {
  return { ...detectSimd(), sharedMemory: canShareMemory() };
}

/** The best level these features run, capped by `wanted` (VGG_WASM_SIMD); an unavailable cap throws. */
export function chooseSimdLevel(features: WasmFeatures, wanted?: WasmSimdLevel): WasmSimdLevel {
  const best: WasmSimdLevel = features.relaxedSimd ? 'relaxed' : features.simd ? 'simd' : 'scalar';
  if (!wanted) return best;
  const order: WasmSimdLevel[] = ['scalar', 'simd', 'relaxed'];
  if (order.indexOf(wanted) > order.indexOf(best)) {
    throw new WasmUnsupportedError(`this engine cannot run the "${wanted}" WebAssembly build (best: ${best})`);
  }
  return wanted;
}

/** The file name of a build, as wasm/build.mjs writes it. */
export function wasmBuildName(level: WasmSimdLevel, threads: boolean): string {
  return `vgg-${level}${threads ? '-mt' : ''}.wasm`;
}
