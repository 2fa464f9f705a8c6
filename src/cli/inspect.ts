/** `vgg inspect <file>`: format, every tensor's name, dtype and shape, and totals. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { detectFormat, namingFile, decodeRawStateDict } from '../io/load.js';
import { decodeRawSafetensors } from '../io/safetensors.js';
import { byteLength, shapeNumel } from '../io/raw-tensor.js';
import { formatBytes, formatCount, renderTable } from './format.js';

export async function inspectText(path: string, opts: { key?: string; stripPrefix?: string } = {}): Promise<string> {
  const bytes = await readFile(path);
  const format = detectFormat(bytes);
  const tensors = namingFile(path, () => decodeRawStateDict(bytes, opts));
  const rows = [...tensors].map(([name, t]) => [
    name,
    t.dtype,
    `[${t.shape.join(', ')}]`,
    formatCount(shapeNumel(t.shape)),
  ]);
  const values = [...tensors.values()].reduce((n, t) => n + shapeNumel(t.shape), 0);
  const dataBytes = [...tensors.values()].reduce((n, t) => n + byteLength(t.dtype, t.shape), 0);
  const lines = [`${path}: ${format} (${formatBytes(bytes.length)})`];
  if (format === 'safetensors') {
    for (const [k, v] of decodeRawSafetensors(bytes).metadata) lines.push(`metadata ${k}: ${v}`);
  }
  lines.push('', renderTable(['Name', 'DType', 'Shape', 'Values'], rows, 3));
  lines.push(`${tensors.size} tensors, ${formatCount(values)} values, ${formatBytes(dataBytes)} of tensor data`);
  return `${lines.join('\n')}\n`;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('list the tensors in a checkpoint (.pth/.pt in either PyTorch layout, or .safetensors)')
    .argument('<file>')
    .option('--key <name>', 'state dict entry of a training checkpoint, e.g. state_dict')
    .option('--strip-prefix <prefix>', 'remove a key prefix such as module.')
    .action(async (file: string, opts: { key?: string; stripPrefix?: string }) => {
      process.stdout.write(await inspectText(file, opts));
    });
}
