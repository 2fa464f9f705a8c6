/** `vgg summary`: the printed form of a model, then a per-layer table and totals. */
import type { Command } from 'commander';
import { ArgumentError } from '../errors.js';
import { VGG, makeLayers, vggBuilders, type VggConfig } from '../models/vgg.js';
import { summarize } from '../models/summary.js';
import { formatBytes, formatCount, formatSi, renderTable } from './format.js';
import { parseCfg, parseInputShape, parsePositiveInt } from './parse.js';

export interface SummaryOptions {
  batchNorm?: boolean;
  numClasses?: number;
  cfg?: VggConfig;
  input: [number, number, number];
  batch: number;
}

/** Builds the model the options describe, without drawing initial weights (a summary needs only shapes). */
export function buildForSummary(arch: string | undefined, opts: SummaryOptions): VGG {
  const vggOpts = { numClasses: opts.numClasses ?? 1000, initWeights: false };
  if (arch && opts.cfg)
    throw new ArgumentError(`give an architecture (${arch}) or --cfg, not both: --cfg describes the whole network`);
  if (opts.cfg) return new VGG(makeLayers(opts.cfg, { batchNorm: opts.batchNorm, inChannels: opts.input[0] }), vggOpts);
  if (!arch) throw new ArgumentError('give an architecture (vgg11 … vgg19_bn) or --cfg');
  const name = opts.batchNorm && !arch.endsWith('_bn') ? `${arch}_bn` : arch;
  const builder = vggBuilders[name];
  if (!builder)
    throw new ArgumentError(`unknown architecture "${arch}"; choose one of ${Object.keys(vggBuilders).join(', ')}`);
  if (opts.input[0] !== 3)
    throw new ArgumentError(
      `${name} takes 3 input channels; use --cfg with --input ${opts.input.join('x')} for other inputs`,
    );
  return builder(vggOpts);
}

export function summaryText(model: VGG, opts: SummaryOptions): string {
  const s = summarize(model, [opts.batch, ...opts.input]);
  const rows = s.layers.map((l) => [
    l.name,
    l.type,
    `[${l.outputShape.join(', ')}]`,
    formatCount(l.params),
    l.multAdds ? formatCount(l.multAdds) : '-',
    formatBytes(l.activationBytes),
  ]);
  const table = renderTable(['Layer', 'Type', 'Output shape', 'Params', 'Mult-adds', 'Activations'], rows, 3);
  const totals = [
    `Input: [${s.inputShape.join(', ')}]`,
    `Total params: ${formatCount(s.totalParams)} (${formatBytes(s.totalParams * 4)} as float32)`,
    `Trainable params: ${formatCount(s.trainableParams)}`,
    `Total mult-adds: ${formatSi(s.totalMultAdds)} (${formatCount(s.totalMultAdds)})`,
    `Activations (all layer outputs): ${formatBytes(s.totalActivationBytes)}`,
  ];
  return `${model.toString()}\n\n${table}\n${totals.join('\n')}\n`;
}

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description("print a VGG's layers, output shapes, parameters and multiply-adds")
    .argument('[arch]', 'vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19 or vgg19_bn')
    .option('--batch-norm', 'use the batch-normalised variant (or add BatchNorm to --cfg)')
    .option('--num-classes <n>', 'size of the last layer', parsePositiveInt)
    .option('--cfg <list>', 'custom layer list, e.g. 64,M,128,M,256,256,M', parseCfg)
    .option('--input <CxHxW>', 'input size of one image', parseInputShape, [3, 224, 224] as [number, number, number])
    .option('--batch <n>', 'batch size for the shapes and totals', parsePositiveInt, 1)
    .action((arch: string | undefined, opts: SummaryOptions) => {
      process.stdout.write(summaryText(buildForSummary(arch, opts), opts));
    });
}
