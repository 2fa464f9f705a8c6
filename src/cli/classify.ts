/** `vgg classify <files or folders…>`: top-k categories with probabilities. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { classify, type Classification } from '../models/classify.js';
import { findImages, MODEL_HELP, resolveModel, type ModelSourceOptions } from './model-source.js';
import { parsePositiveInt } from './parse.js';
import { EXIT_SOME_FAILED } from './errors.js';

interface ClassifyCliOptions extends ModelSourceOptions {
  topk: number;
  batchSize: number;
  json: boolean;
}

/** The classified images; those that failed are reported on stderr only. */
function formatText(results: Classification[]): string {
  return results
    .filter((r) => !r.error)
    .map(
      (r) =>
        `${r.file}\n${r.top.map((t) => `  ${(t.prob * 100).toFixed(2).padStart(6)}%  ${t.label} (${t.index})`).join('\n')}\n`,
    )
    .join('');
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('classify images (files or folders) and print the top categories')
    .argument('<images...>')
    .option('--model <name>', `${MODEL_HELP}; default vgg16 with its ImageNet weights (downloaded once)`)
    .option(
      '--weights <name|file>',
      'DEFAULT, IMAGENET1K_V1, a model file written by saveModel, or a checkpoint for --model',
    )
    .option('--topk <k>', 'how many categories per image', parsePositiveInt, 5)
    .option('--batch-size <n>', 'images per forward pass', parsePositiveInt, 8)
    .option('--json', 'print a JSON array: [{ file, top: [{ label, index, prob }], error? }]', false)
    .action(async (inputs: string[], opts: ClassifyCliOptions) => {
      const files = await findImages(inputs);
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
        onProgress: (done) => bar?.update(done),
      });
      bar?.stop();
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatText(results));
      const failed = results.filter((r) => r.error);
      if (failed.length) {
        for (const f of failed) process.stderr.write(`vgg: ${f.error}\n`);
        process.exitCode = EXIT_SOME_FAILED;
      }
    });
}
