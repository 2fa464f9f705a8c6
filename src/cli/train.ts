/** `vgg train`: fit a VGG on Fashion-MNIST, MNIST, CIFAR-10 or a folder of images, with live progress, metrics, checkpoints and --resume. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ArgumentError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { ImageFolder } from '../data/datasets/image-folder.js';
import { loadDataset } from '../data/datasets/load-dataset.js';
import { datasetsCacheDir } from '../data/datasets/download.js';
import { DEBIAN_FASHION_MNIST_DIR } from '../data/datasets/mnist.js';
import { Trainer, type TrainOptions } from '../train/trainer.js';
import { trainingPreset, type PresetName } from '../train/presets.js';
import type { VGG, VggConfig } from '../models/vgg.js';
import { replaceClassifierHead } from '../models/finetune.js';
import { Generator } from '../tensor/rng.js';
import { resolveModel } from './model-source.js';
import { parseCfg, parsePositiveInt } from './parse.js';

type RunOptions =
  'epochs' | 'batchSize' | 'lr' | 'optimizer' | 'schedule' | 'weightDecay' | 'labelSmoothing' | 'seed' | 'maxSteps';

interface TrainCliOptions extends Pick<TrainOptions, RunOptions> {
  dataset: PresetName;
  data?: string;
  download: boolean;
  imageSize?: number;
  augment: boolean;
  cfg: VggConfig;
  batchNorm: boolean;
  hidden: number;
  pool: number;
  dropout: number;
  out: string;
  resume: boolean;
  overwrite: boolean;
  allowChanges: boolean;
  finetune?: string;
  weights?: string;
  trainFeatures: boolean;
}

function parseNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ArgumentError(`expected a non-negative number, got "${v}"`);
  return n;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!values.includes(v as T)) throw new ArgumentError(`expected one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  };
}

/** The train and test splits: an image folder's train/ and val/, or a public dataset (found, or downloaded with --download). */
async function loadSplits(o: TrainCliOptions): Promise<[Dataset, Dataset]> {
  if (o.dataset === 'folder') {
    if (!o.data)
      throw new ArgumentError(
        '--dataset folder needs --data <dir> with train/ and val/ subfolders, one folder of images per class in each',
      );
    if (o.download)
      throw new ArgumentError(
        '--download fetches fashion-mnist, mnist or cifar10; an image folder is read from --data',
      );
    return Promise.all([ImageFolder.open(join(o.data, 'train')), ImageFolder.open(join(o.data, 'val'))]);
  }
  if (o.imageSize !== undefined)
    throw new ArgumentError(`--image-size applies to --dataset folder; ${o.dataset} images have a fixed size`);
  const opts = { root: o.data, download: o.download, progress: true };
  // One after the other: CIFAR-10's two splits come from one archive, downloaded once.
  return [await loadDataset(o.dataset, 'train', opts), await loadDataset(o.dataset, 'test', opts)];
}

/**
 * The --finetune starting point: a pretrained VGG (registry weights, the
 * embedded model, a checkpoint or a saved model file) with its last classifier
 * layer replaced for `numClasses`, the new head seeded by the run's seed.
 */
async function pretrainedModel(o: TrainCliOptions, numClasses: number): Promise<VGG> {
  const spec = o.finetune!;
  const source = existsSync(spec) && !o.weights ? { weights: spec } : { model: spec, weights: o.weights };
  const { model } = await resolveModel(source);
  replaceClassifierHead(model, numClasses, { generator: new Generator(o.seed) });
  return model;
}

type Progress = Parameters<NonNullable<TrainOptions['onProgress']>>[0];

/** The live progress line on a terminal: one bar per epoch, its numbers shown as '–' until the first batch is done. */
export function trainingProgressBar(stream: NodeJS.WritableStream): { update(p: Progress): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch} [{bar}] {value}/{total} | loss {loss} | acc {acc}% | {ips} img/s | {eta_formatted} left',
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let barEpoch = 0;
  return {
    update(p) {
      if (p.epoch !== barEpoch) {
        bar.stop();
        bar.start(p.steps, p.step - 1, { epoch: p.epoch, loss: '–', acc: '–', ips: '–' });
        barEpoch = p.epoch;
      }
      bar.update(p.step, {
        epoch: p.epoch,
        loss: p.loss.toFixed(4),
        acc: (p.accuracy * 100).toFixed(1),
        ips: p.imagesPerSecond.toFixed(0),
      });
    },
    stop() {
      bar.stop();
      barEpoch = 0;
    },
  };
}

/**
 * Ctrl-C once: the run saves and stops after the current batch. Twice: exit
 * at once without saving (code 130, as a shell reports SIGINT); the last
 * checkpoint stays intact. Returns the function that removes the handler.
 */
export function handleInterrupts(trainer: Pick<Trainer, 'stop'>, exit: (code: number) => void): () => void {
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      process.stderr.write('\nvgg: interrupted again; exiting without saving (the last checkpoint is intact)\n');
      exit(130);
      return;
    }
    interrupted = true;
    process.stderr.write(
      '\nvgg: interrupted; saving the run so --resume can continue it (Ctrl-C again quits without saving)…\n',
    );
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a VGG on Fashion-MNIST, MNIST, CIFAR-10 or a folder of images, writing metrics, a chart and checkpoints to --out',
    )
    .option(
      '--dataset <name>',
      'fashion-mnist, mnist, cifar10 or folder',
      oneOf(['fashion-mnist', 'mnist', 'cifar10', 'folder'] as const),
      'fashion-mnist',
    )
    .option(
      '--data <dir>',
      `folder with the dataset's files (IDX files; cifar-10-batches-bin; for folder: train/ and val/ with a subfolder per class). ` +
        `Default: ${DEBIAN_FASHION_MNIST_DIR} for fashion-mnist when installed, else ${join(datasetsCacheDir(), '<name>')} ($VGG_DATA_DIR sets the cache)`,
    )
    .option('--download', 'download a missing fashion-mnist, mnist or cifar10 into that folder', false)
    .option(
      '--image-size <n>',
      'folder: side of the square training crops (default 224; evaluation resizes to size·256/224 and centre-crops)',
      parsePositiveInt,
    )
    .option(
      '--finetune <model>',
      'start from a pretrained model instead: vgg11…vgg19_bn (ImageNet weights, see --weights), fashion_vgg, ' +
        "or a model file saved by vgg train; its last classifier layer is replaced for the dataset's classes and --cfg … --dropout are ignored",
    )
    .option(
      '--weights <name|file>',
      'with --finetune ARCH: DEFAULT (downloaded once), another weights name, or a checkpoint file',
    )
    .option(
      '--train-features',
      'with --finetune: let the convolutional features learn too (default: frozen, BatchNorm kept in eval mode)',
      false,
    )
    .option('--cfg <list>', 'layer list, e.g. 32,32,M,64,64,M,128,M', parseCfg, [
      32,
      32,
      'M',
      64,
      64,
      'M',
      128,
      'M',
    ] as VggConfig)
    .option('--batch-norm', 'BatchNorm after every conv', false)
    .option('--hidden <n>', 'width of the hidden classifier layers', parsePositiveInt, 256)
    .option('--pool <n>', 'adaptive average pool output size', parsePositiveInt, 3)
    .option('--dropout <p>', 'classifier dropout', parseNumber, 0.3)
    .option('--epochs <n>', 'epochs', parsePositiveInt, 10)
    .option('--batch-size <n>', 'batch size', parsePositiveInt, 64)
    .option('--lr <x>', 'learning rate (the peak for onecycle)', parseNumber, 0.05)
    .option('--optimizer <name>', 'sgd (momentum 0.9, nesterov) or adam', oneOf(['sgd', 'adam'] as const), 'sgd')
    .option(
      '--schedule <name>',
      'none, cosine, onecycle or step',
      oneOf(['none', 'cosine', 'onecycle', 'step'] as const),
      'cosine',
    )
    .option('--weight-decay <x>', 'weight decay', parseNumber, 5e-4)
    .option('--label-smoothing <x>', 'label smoothing', parseNumber, 0.1)
    .option('--no-augment', 'no random crops or flips')
    .option('--seed <n>', 'random seed', parsePositiveInt, 1)
    .requiredOption('--out <dir>', 'run folder (e.g. runs/NAME)')
    .option('--resume', 'continue the run in --out exactly where it stopped', false)
    .option('--overwrite', 'replace the run already in --out (its checkpoints, models and metrics)', false)
    .option(
      '--allow-changes',
      'with --resume: continue although --lr, --batch-size, --image-size, the dataset or another setting changed',
      false,
    )
    .option('--max-steps <n>', 'stop (saving everything) after this many steps', parsePositiveInt)
    .action(async (o: TrainCliOptions) => {
      const [train, test] = await loadSplits(o);
      if (!o.finetune && (o.weights || o.trainFeatures))
        throw new ArgumentError('--weights and --train-features go with --finetune <model>');
      const preset = trainingPreset(o.dataset, { augment: o.augment, imageSize: o.imageSize });
      const initialModel = o.finetune ? await pretrainedModel(o, train.classes.length) : undefined;
      const bar = process.stderr.isTTY ? trainingProgressBar(process.stderr) : null;
      const trainer = new Trainer(train, test, {
        architecture: initialModel?.architecture() ?? {
          cfg: [...o.cfg],
          batchNorm: o.batchNorm,
          inChannels: train.channels,
          numClasses: train.classes.length,
          hiddenFeatures: o.hidden,
          dropout: o.dropout,
          poolSize: o.pool,
        },
        initialModel,
        freezeFeatures: Boolean(o.finetune) && !o.trainFeatures,
        epochs: o.epochs,
        batchSize: o.batchSize,
        lr: o.lr,
        optimizer: o.optimizer,
        schedule: o.schedule,
        weightDecay: o.weightDecay,
        labelSmoothing: o.labelSmoothing,
        seed: o.seed,
        maxSteps: o.maxSteps,
        outDir: o.out,
        resume: o.resume,
        overwrite: o.overwrite,
        allowChanges: o.allowChanges,
        datasetName: o.dataset === 'folder' ? `folder ${resolve(o.data!)}` : o.dataset,
        ...preset,
        onProgress: (p) => bar?.update(p),
        onEpoch: (m) => {
          bar?.stop();
          process.stderr.write(
            `epoch ${m.epoch}/${o.epochs}: train loss ${m.trainLoss.toFixed(4)} acc ${(m.trainAccuracy * 100).toFixed(2)}% | ` +
              `test loss ${m.testLoss.toFixed(4)} acc ${(m.testAccuracy * 100).toFixed(2)}% | ${m.imagesPerSecond.toFixed(0)} img/s, ${m.seconds.toFixed(0)} s\n`,
          );
        },
      });
      const removeHandler = handleInterrupts(trainer, (code) => process.exit(code));
      const result = await trainer.run().finally(() => {
        bar?.stop();
        removeHandler();
      });
      if (result.message) process.stderr.write(`vgg: ${result.message}\n`);
      if (result.status === 'diverged') process.exitCode = 1;
      if (result.status === 'finished') {
        const last = result.metrics.at(-1);
        process.stderr.write(
          `done: test accuracy ${last ? (last.testAccuracy * 100).toFixed(2) : '–'}%; ${o.out}/best.safetensors, last.safetensors, metrics.csv, chart.html\n`,
        );
      }
    });
}
