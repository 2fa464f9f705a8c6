/** `vgg info`: which backend runs, the CPU features it uses, and its threads. */
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { backend, listBackends } from '../backend/registry.js';
import { loadNativeAddon, nativeLoadError } from '../backend/native/index.js';
import { detectWasmFeatures } from '../backend/wasm/features.js';
import { loadedWasmKernels, wasmLoadError } from '../backend/wasm/load-node.js';

export function infoText(): string {
  const lines = [
    `backend: ${backend().name} (available: ${listBackends().join(', ')})`,
    `cpu: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores`,
    `node: ${process.version} (${process.platform}-${process.arch})`,
  ];
  const addon = loadNativeAddon();
  if (addon) {
    lines.push(
      `native: instruction sets ${addon.availableIsas().join(', ')}; using ${addon.getIsa()}, ${addon.getNumThreads()} threads (VGG_NUM_THREADS)`,
    );
  } else {
    lines.push(`native: unavailable (${nativeLoadError()})`);
  }
  lines.push(wasmLine());
  return `${lines.join('\n')}\n`;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the compute backend, the CPU features it uses and its thread count')
    .action(() => {
      process.stdout.write(infoText());
    });
}

/** The WebAssembly build in use (its SIMD level) and its threads, or why it did not load. */
function wasmLine(): string {
  const f = detectWasmFeatures();
  const engine = `engine: SIMD128 ${f.simd ? 'yes' : 'no'}, relaxed SIMD ${f.relaxedSimd ? 'yes' : 'no'}, shared memory ${f.sharedMemory ? 'yes' : 'no'}`;
  const k = loadedWasmKernels();
  if (!k) return `wasm: unavailable (${wasmLoadError()}); ${engine}`;
  const threads = k.singleThreadReason
    ? `1 thread (${k.singleThreadReason})`
    : `${k.threads} threads (VGG_NUM_THREADS)`;
  return `wasm: using the ${k.level} build (VGG_WASM_SIMD), ${threads}; ${engine}`;
}
