/**
 * Float64 oracles and helpers for the native backend tests: naive GEMM, naive
 * direct conv2d and its two gradients, plus a seeded RNG and the error metric.
 */
import type { Conv2dParams } from '../../src/backend/backend.js';
import { loadNativeAddon, nativeLoadError, type NativeAddon } from '../../src/backend/native/index.js';
import { Generator } from '../../src/tensor/rng.js';

export {
  naiveGemm,
  naiveConv2d,
  naiveConv2dBackwardInput,
  naiveConv2dBackwardWeight,
} from '../../src/backend/ref/naive.js';
export { relError } from './golden.js';

/** The addon, or null with a message printed once per test file. */
export function addonOrSkip(file: string): { addon: NativeAddon | null; skip: string | false } {
  const addon = loadNativeAddon();
  if (addon) return { addon, skip: false };
  const reason = `native addon unavailable: ${nativeLoadError() ?? 'unknown reason'}`;
  console.log(`${file}: skipped, ${reason}`);
  return { addon: null, skip: reason };
}

/** Deterministic uniform numbers in [0, 1) from the library's seeded generator. */
export function makeRng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.random();
}

export function randomArray(n: number, rng: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export interface ConvShape {
  batch: number;
  inC: number;
  outC: number;
  inH: number;
  inW: number;
  k: [number, number];
  stride?: [number, number];
  pad?: [number, number];
  dilation?: [number, number];
}

export function convParams(s: ConvShape): Conv2dParams {
  const [kernelH, kernelW] = s.k;
  const [strideH, strideW] = s.stride ?? [1, 1];
  const [padH, padW] = s.pad ?? [0, 0];
  const [dilationH, dilationW] = s.dilation ?? [1, 1];
  const outH = Math.floor((s.inH + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((s.inW + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  return {
    batch: s.batch,
    inChannels: s.inC,
    outChannels: s.outC,
    inH: s.inH,
    inW: s.inW,
    outH,
    outW,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
  };
}

export function describeConv(p: Conv2dParams): string {
  return (
    `N${p.batch} ${p.inChannels}->${p.outChannels} ${p.inH}x${p.inW} k${p.kernelH}x${p.kernelW}` +
    ` s${p.strideH},${p.strideW} p${p.padH},${p.padW} d${p.dilationH},${p.dilationW}`
  );
}

/** Runs fn once per instruction set the CPU supports, restoring the best one afterwards. */
export function forEachIsa(addon: NativeAddon, fn: (isa: string) => void): void {
  const isas = addon.availableIsas();
  const original = addon.getIsa();
  try {
    for (const isa of isas) {
      if (!addon.setIsa(isa)) throw new Error(`setIsa(${isa}) refused an advertised ISA`);
      fn(isa);
    }
  } finally {
    addon.setIsa(original);
  }
}
