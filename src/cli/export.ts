/** `vgg export [model] --weights <file|DEFAULT> --out model.onnx`. */
import type { Command } from 'commander';
import { ArgumentError } from '../errors.js';
import { exportOnnx } from '../io/onnx.js';
import { MODEL_HELP, resolveModel, type ModelSourceOptions } from './model-source.js';
import { parseInputShape, parsePositiveInt } from './parse.js';

interface ExportOptions extends ModelSourceOptions {
  out: string;
  input?: [number, number, number];
  batch: number;
  dynamicBatch: boolean;
  opset?: number;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a VGG to ONNX (opset 17 by default), e.g. for onnxruntime')
    .argument('[model]', `${MODEL_HELP}; may be left out when --weights is a file written by saveModel`)
    .option(
      '--weights <file|name>',
      'a model file written by saveModel (alone), a checkpoint for the model, or pretrained weights by name ' +
        '(DEFAULT, IMAGENET1K_V1); without it an architecture keeps its initial weights',
    )
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--num-classes <n>', 'size of the last layer (default: from the weights, else 1000)', parsePositiveInt)
    .option(
      '--input <CxHxW>',
      "input size of one image (default: the model's preprocessing, else 3x224x224)",
      parseInputShape,
    )
    .option('--batch <n>', 'batch size when the batch is fixed', parsePositiveInt, 1)
    .option('--dynamic-batch', 'leave the batch dimension free', false)
    .option('--opset <n>', 'ONNX opset (13 or later)', parsePositiveInt)
    .option('--key <name>', 'state dict entry of a training checkpoint, e.g. state_dict')
    .option('--strip-prefix <prefix>', 'remove a key prefix such as module.')
    .action(async (model: string | undefined, opts: ExportOptions) => {
      if (!model && !opts.weights)
        throw new ArgumentError('give a model (vgg11 … vgg19_bn, fashion_vgg) or --weights <file>');
      const ready = await resolveModel({ ...opts, model }, true);
      await exportOnnx(ready.model, opts.out, {
        inputShape: [opts.batch, ...(opts.input ?? ready.inputShape)],
        dynamicBatch: opts.dynamicBatch,
        opset: opts.opset,
      });
      process.stderr.write(`wrote ${opts.out}\n`);
    });
}
