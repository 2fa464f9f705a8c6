/** `vgg train`: fit a VGG on Fashion-MNIST or MNIST, with live progress, metrics, checkpoints and --resume. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ArgumentError } from '../errors.js';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, MNIST_CLASSES, loadMnistSplit } from '../data/datasets/mnist.js';
import { Trainer, type TrainOptions } from '../train/trainer.js';
import type { VggConfig } from '../models/vgg.js';
import { parseCfg, parsePositiveInt } from './parse.js';

type RunOptions = 'epochs' | 'batchSize' | 'lr' | 'optimizer' | 'schedule' | 'weightDecay' | 'labelSmoothing' | 'seed' | 'maxSteps' | 'augment';

interface TrainCliOptions extends Pick<TrainOptions, RunOptions> {
  dataset: 'fashion-mnist' | 'mnist';
  data?: string;
  cfg: VggConfig;
  batchNorm: boolean;
  hidden: number;
  pool: number;
  dropout: number;
  out: string;
  resume: boolean;
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

/** Per-dataset normalisation (mean and std of the training pixels). */
const DATASETS = {
  'fashion-mnist': { classes: FASHION_MNIST_CLASSES, mean: 0.286, std: 0.353, dir: DEBIAN_FASHION_MNIST_DIR },
  mnist: { classes: MNIST_CLASSES, mean: 0.1307, std: 0.3081, dir: '' },
} as const;

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a VGG on Fashion-MNIST or MNIST (IDX files), writing metrics, a chart and checkpoints to --out')
    .option('--dataset <name>', 'fashion-mnist or mnist', oneOf(['fashion-mnist', 'mnist'] as const), 'fashion-mnist')
    .option('--data <dir>', `folder with the (gzipped) IDX files (default for fashion-mnist: ${DEBIAN_FASHION_MNIST_DIR})`)
    .option('--cfg <list>', 'layer list, e.g. 32,32,M,64,64,M,128,M', parseCfg, [32, 32, 'M', 64, 64, 'M', 128, 'M'] as VggConfig)
    .option('--batch-norm', 'BatchNorm after every conv', false)
    .option('--hidden <n>', 'width of the hidden classifier layers', parsePositiveInt, 256)
    .option('--pool <n>', 'adaptive average pool output size', parsePositiveInt, 3)
    .option('--dropout <p>', 'classifier dropout', parseNumber, 0.3)
    .option('--epochs <n>', 'epochs', parsePositiveInt, 10)
    .option('--batch-size <n>', 'batch size', parsePositiveInt, 64)
    .option('--lr <x>', 'learning rate (the peak for onecycle)', parseNumber, 0.05)
    .option('--optimizer <name>', 'sgd (momentum 0.9, nesterov) or adam', oneOf(['sgd', 'adam'] as const), 'sgd')
    .option('--schedule <name>', 'none, cosine, onecycle or step', oneOf(['none', 'cosine', 'onecycle', 'step'] as const), 'cosine')
    .option('--weight-decay <x>', 'weight decay', parseNumber, 5e-4)
    .option('--label-smoothing <x>', 'label smoothing', parseNumber, 0.1)
    .option('--no-augment', 'no random crop / horizontal flip')
    .option('--seed <n>', 'random seed', parsePositiveInt, 1)
    .requiredOption('--out <dir>', 'run folder (e.g. runs/NAME)')
    .option('--resume', 'continue the run in --out exactly where it stopped', false)
    .option('--max-steps <n>', 'stop (saving everything) after this many steps', parsePositiveInt)
    .action(async (o: TrainCliOptions) => {
      const ds = DATASETS[o.dataset];
      const dir = o.data ?? ds.dir;
      if (!dir) throw new ArgumentError(`give --data <dir> with the ${o.dataset} IDX files`);
      const [train, test] = await Promise.all([loadMnistSplit(dir, 'train', ds.classes), loadMnistSplit(dir, 'test', ds.classes)]);
      const tty = Boolean(process.stderr.isTTY);
      const bar = tty ? new cliProgress.SingleBar({
        format: 'epoch {epoch} [{bar}] {value}/{total} | loss {loss} | acc {acc}% | {ips} img/s | {eta_formatted} left', stream: process.stderr,
      }, cliProgress.Presets.shades_classic) : null;
      let barEpoch = 0;
      const trainer = new Trainer(train, test, {
        architecture: { cfg: [...o.cfg], batchNorm: o.batchNorm, inChannels: 1, numClasses: ds.classes.length, hiddenFeatures: o.hidden, dropout: o.dropout, poolSize: o.pool },
        epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: o.optimizer, schedule: o.schedule, weightDecay: o.weightDecay,
        labelSmoothing: o.labelSmoothing, seed: o.seed, maxSteps: o.maxSteps, augment: o.augment, outDir: o.out, resume: o.resume, mean: ds.mean, std: ds.std,
        onProgress: (p) => {
          if (!bar) return;
          if (p.epoch !== barEpoch) {
            bar.stop();
            bar.start(p.steps, 0, { epoch: p.epoch });
            barEpoch = p.epoch;
          }
          bar.update(p.step, { epoch: p.epoch, loss: p.loss.toFixed(4), acc: (p.accuracy * 100).toFixed(1), ips: p.imagesPerSecond.toFixed(0) });
        },
        onEpoch: (m) => {
          bar?.stop();
          barEpoch = 0;
          process.stderr.write(`epoch ${m.epoch}/${o.epochs}: train loss ${m.trainLoss.toFixed(4)} acc ${(m.trainAccuracy * 100).toFixed(2)}% | ` +
            `test loss ${m.testLoss.toFixed(4)} acc ${(m.testAccuracy * 100).toFixed(2)}% | ${m.imagesPerSecond.toFixed(0)} img/s, ${m.seconds.toFixed(0)} s\n`);
        },
      });
      const onSigint = (): void => {
        process.stderr.write('\nvgg: interrupted; saving the run so --resume can continue it…\n');
        trainer.stop();
      };
      process.once('SIGINT', onSigint);
      const result = await trainer.run().finally(() => {
        bar?.stop();
        process.off('SIGINT', onSigint);
      });
      if (result.message) process.stderr.write(`vgg: ${result.message}\n`);
      if (result.status === 'diverged') process.exitCode = 1;
      if (result.status === 'finished') {
        const last = result.metrics.at(-1);
        process.stderr.write(`done: test accuracy ${last ? (last.testAccuracy * 100).toFixed(2) : '–'}%; ${o.out}/best.safetensors, last.safetensors, metrics.csv, chart.html\n`);
      }
    });
}
