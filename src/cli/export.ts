/** `vgg export <arch> --weights <file|DEFAULT> --out model.onnx`. */
import type { Command } from 'commander';
import { exportOnnx } from '../io/onnx.js';
import { getModel } from '../models/registry.js';
import type { VGG } from '../models/vgg.js';
import { builderFor, isWeightsName, modelFromCheckpoint } from './model-source.js';
import { parseInputShape, parsePositiveInt } from './parse.js';

interface ExportOptions {
  weights?: string;
  out: string;
  numClasses?: number;
  input: [number, number, number];
  batch: number;
  dynamicBatch: boolean;
  opset?: number;
  key?: string;
  stripPrefix?: string;
}

async function buildModel(arch: string, opts: ExportOptions): Promise<VGG> {
  const build = builderFor(arch);
  if (!opts.weights) return build({ numClasses: opts.numClasses });
  if (isWeightsName(opts.weights)) return getModel(arch, { weights: opts.weights, numClasses: opts.numClasses });
  return modelFromCheckpoint(arch, opts.weights, {
    key: opts.key,
    stripPrefix: opts.stripPrefix,
    numClasses: opts.numClasses,
  });
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a VGG to ONNX (opset 17 by default), e.g. for onnxruntime')
    .argument('<arch>', 'vgg11 … vgg19_bn')
    .option('--weights <file|DEFAULT>', 'a checkpoint file, or pretrained weights by name (DEFAULT, IMAGENET1K_V1)')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--num-classes <n>', 'size of the last layer (default: from the weights, else 1000)', parsePositiveInt)
    .option('--input <CxHxW>', 'input size of one image', parseInputShape, [3, 224, 224] as [number, number, number])
    .option('--batch <n>', 'batch size when the batch is fixed', parsePositiveInt, 1)
    .option('--dynamic-batch', 'leave the batch dimension free', false)
    .option('--opset <n>', 'ONNX opset (13 or later)', parsePositiveInt)
    .option('--key <name>', 'state dict entry of a training checkpoint, e.g. state_dict')
    .option('--strip-prefix <prefix>', 'remove a key prefix such as module.')
    .action(async (arch: string, opts: ExportOptions) => {
      const model = await buildModel(arch, opts);
      await exportOnnx(model, opts.out, {
        inputShape: [opts.batch, ...opts.input],
        dynamicBatch: opts.dynamicBatch,
        opset: opts.opset,
      });
      process.stderr.write(`wrote ${opts.out}\n`);
    });
}
