/** `vgg convert <in> <out>`: .pth ↔ .safetensors, keeping every tensor's dtype. */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { ArgumentError } from '../errors.js';
import { loadRawStateDict, type decodeRawStateDict } from '../io/load.js';
import { encodeRawSafetensors } from '../io/safetensors.js';
import { encodeRawPth } from '../io/pth-writer.js';
import { writeFileAtomic } from '../io/checkpoint.js';

export interface ConvertOptions {
  key?: string;
  stripPrefix?: string;
}

/** The writer for an output file, chosen by its extension. */
function writerFor(out: string): (t: ReturnType<typeof decodeRawStateDict>) => Uint8Array {
  const ext = extname(out).toLowerCase();
  if (ext === '.safetensors') return (t) => encodeRawSafetensors(t, { format: 'pt' });
  if (ext === '.pth' || ext === '.pt' || ext === '.bin') return (t) => encodeRawPth(t);
  throw new ArgumentError(`cannot tell the output format from "${out}": use a .safetensors, .pth or .pt file name`);
}

export async function convertCheckpoint(input: string, output: string, opts: ConvertOptions = {}): Promise<number> {
  const write = writerFor(output);
  const tensors = await loadRawStateDict(input, opts);
  await writeFileAtomic(output, write(tensors));
  return tensors.size;
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a checkpoint between PyTorch (.pth/.pt) and safetensors; the output format follows the extension',
    )
    .argument('<in>')
    .argument('<out>')
    .option('--key <name>', 'state dict entry of a training checkpoint, e.g. state_dict')
    .option('--strip-prefix <prefix>', 'remove a key prefix such as module.')
    .action(async (input: string, output: string, opts: ConvertOptions) => {
      const n = await convertCheckpoint(input, output, opts);
      process.stderr.write(`wrote ${n} tensors to ${output}\n`);
    });
}
