/** `vgg classify <files or folders…>`: top-k categories with probabilities. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { classify, type Classification } from '../models/classify.js';
import { expandImagePaths, resolveModel, type ModelSourceOptions } from './model-source.js';
import { parsePositiveInt } from './parse.js';

interface ClassifyCliOptions extends ModelSourceOptions {
  topk: number;
  batchSize: number;
  json: boolean;
}

function formatText(results: Classification[]): string {
  return (
    results
      .map((r) =>
        r.error
          ? `${r.file}: error: ${r.error}`
          : `${r.file}\n${r.top.map((t) => `  ${(t.prob * 100).toFixed(2).padStart(6)}%  ${t.label} (${t.index})`).join('\n')}`,
      )
      .join('\n') + '\n'
  );
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('classify images (files or folders) and print the top categories')
    .argument('<images...>')
    .option('--model <arch>', 'vgg11 … vgg19_bn (default vgg16 with its ImageNet weights)')
    .option(
      '--weights <name|file>',
      'DEFAULT, IMAGENET1K_V1, a model file written by saveModel, or a checkpoint for --model',
    )
    .option('--topk <k>', 'how many categories per image', parsePositiveInt, 5)
    .option('--batch-size <n>', 'images per forward pass', parsePositiveInt, 8)
    .option('--json', 'print a JSON array: [{ file, top: [{ label, index, prob }] }]', false)
    .action(async (inputs: string[], opts: ClassifyCliOptions) => {
      const files = await expandImagePaths(inputs, (p) => process.stderr.write(`skipping ${p}: not an image file\n`));
      const ready = await resolveModel(opts);
      const bar =
        files.length >= 16 && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: 'classify [{bar}] {value}/{total} images | {eta_formatted} left', stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : null;
      bar?.start(files.length, 0);
      const results = await classify(ready.model, files, {
        transform: ready.transform,
        categories: ready.categories,
        topk: opts.topk,
        batchSize: opts.batchSize,
        minSize: [ready.model.minInputSize(), ready.model.minInputSize()],
        onProgress: (done) => bar?.update(done),
      });
      bar?.stop();
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatText(results));
      const failed = results.filter((r) => r.error);
      if (failed.length) {
        for (const f of failed) process.stderr.write(`vgg: ${f.error}\n`);
        process.exitCode = 1;
      }
    });
}
