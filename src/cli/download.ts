/** `vgg download <arch>`: fetch pretrained weights into the torch.hub cache. */
import type { Command } from 'commander';
import { resolveWeights } from '../models/weights.js';
import { ArgumentError } from '../errors.js';

export function registerDownload(program: Command): void {
  program
    .command('download')
    .description('download pretrained ImageNet weights into the torch.hub cache ($TORCH_HOME/hub/checkpoints)')
    .argument('<arch>', 'vgg11 … vgg19_bn')
    .option('--weights <entry>', 'DEFAULT, IMAGENET1K_V1 or IMAGENET1K_FEATURES', 'DEFAULT')
    .action(async (arch: string, opts: { weights: string }) => {
      const w = resolveWeights(arch, opts.weights);
      if (!w) throw new ArgumentError(`no weights named ${opts.weights} for ${arch}`);
      process.stdout.write(`${await w.download({ progress: true })}\n`);
    });
}
