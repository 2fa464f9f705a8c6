/**
 * Loading the WebAssembly backend in Node: the build files come from <package root>/wasm/build (written
 * by `npm run build:wasm`), the threads from worker_threads.
 *
 * Environment: VGG_WASM_SIMD=relaxed|simd|scalar caps the build (default: the best this engine
 * validates; asking for relaxed on Node 20 turns on its V8 flag, see allowRelaxedSimd); VGG_NUM_THREADS
 * sets the thread count as for the native backend (default: the CPUs available); 1 runs on the calling
 * thread alone.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot } from '../../package-root.js';
import type { Backend } from '../backend.js';
import { createWasmBackend } from './backend.js';
import { ArgumentError } from '../../errors.js';
import { chooseSimdLevel, detectSimd, detectWasmFeatures, wasmBuildName, type WasmSimdLevel } from './features.js';
import { WasmKernels } from './kernels.js';
import { startNodeWorkers } from './pool-node.js';

export interface WasmLoadOptions {
  /** Build to use; default VGG_WASM_SIMD, else the best available. */
  simd?: WasmSimdLevel;
  /** Threads, the caller included; default VGG_NUM_THREADS, else the CPUs available. */
  threads?: number;
}

/** The folder holding the built modules. */
export function wasmBuildDir(): string {
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  if (!root) throw new Error('vgg-ts: package root not found, so the WebAssembly build cannot be located');
  return join(root, 'wasm', 'build');
}

/** VGG_NUM_THREADS when it is a positive integer, else the CPUs available (as for the native backend). */
export function threadsFromEnv(): number {
  const n = Number.parseInt(process.env.VGG_NUM_THREADS ?? '', 10);
  return n > 0 ? Math.min(n, 1024) : availableParallelism();
}

function simdFromEnv(): WasmSimdLevel | undefined {
  const wanted = process.env.VGG_WASM_SIMD;
  if (!wanted) return undefined;
  if (wanted !== 'relaxed' && wanted !== 'simd' && wanted !== 'scalar') {
    throw new ArgumentError(`VGG_WASM_SIMD=${wanted}: expected relaxed, simd or scalar`);
  }
  return wanted;
}

/**
 * Lets this process run the relaxed-SIMD build. Node 20's V8 implements relaxed SIMD behind
 * --experimental-wasm-relaxed-simd; Node 22 and later validate it by default and reject the flag, so
 * the flag is set only where SIMD validates and relaxed SIMD does not.
 */
export function allowRelaxedSimd(): void {
  const { simd, relaxedSimd } = detectSimd();
  if (simd && !relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Compiles and instantiates the best build synchronously, with its worker threads. */
export function loadWasmKernels(o: WasmLoadOptions = {}): WasmKernels {
  const wantedLevel = o.simd ?? simdFromEnv();
  if (wantedLevel === 'relaxed') allowRelaxedSimd();
  const features = detectWasmFeatures();
  const level = chooseSimdLevel(features, wantedLevel);
  const wanted = o.threads ?? threadsFromEnv();
  const threaded = wanted > 1 && features.sharedMemory;
  const bytes = readFileSync(join(wasmBuildDir(), wasmBuildName(level, threaded)));
  return new WasmKernels({
    module: new WebAssembly.Module(bytes),
    level,
    threads: threaded ? wanted : 1,
    startWorkers: threaded ? startNodeWorkers : undefined,
    singleThreadReason: wanted <= 1 ? 'VGG_NUM_THREADS=1' : threaded ? undefined : 'no shared memory in this engine',
  });
}

let loaded: { kernels: WasmKernels; backend: Backend } | { error: string } | undefined;

function tryLoad(): { kernels: WasmKernels; backend: Backend } | { error: string } {
  try {
    const kernels = loadWasmKernels();
    return { kernels, backend: createWasmBackend(kernels) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The WebAssembly Backend with the environment's settings, loaded once; null when it cannot load. */
export function loadWasmBackend(): Backend | null {
  loaded ??= tryLoad();
  return 'backend' in loaded ? loaded.backend : null;
}

/** The kernels behind loadWasmBackend(), or null when it did not load. */
export function loadedWasmKernels(): WasmKernels | null {
  loaded ??= tryLoad();
  return 'kernels' in loaded ? loaded.kernels : null;
}

/** Why loadWasmBackend() returned null, or null when it loaded. */
export function wasmLoadError(): string | null {
  loaded ??= tryLoad();
  return 'error' in loaded ? loaded.error : null;
}
