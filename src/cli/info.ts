/** `vgg info`: which backend runs, the CPU features it uses, and its threads. */
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { backend, listBackends } from '../backend/registry.js';
import { loadNativeAddon, nativeLoadError } from '../backend/native/index.js';

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
