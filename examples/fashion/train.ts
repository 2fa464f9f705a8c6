/**
 * Trains the embedded `fashion_vgg` model on Fashion-MNIST and writes
 * models/fashion_vgg.safetensors (a self-describing model file), the package's
 * embedded `fashion_vgg`.
 *
 *   npm run build && node dist/examples/fashion/train.js [dataDir] [outFile]
 *
 * dataDir defaults to Debian's dataset-fashion-mnist folder. Seeded, so the
 * same command on the same backend reproduces the same weights.
 */
import { writeFileSync } from 'node:fs';
import { VGG, makeLayers, noGrad, nn, optim, Generator, manualSeed, saveModel, backend } from '../../src/index.js';
import { loadMnistSplit, DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES } from '../../src/data/datasets/mnist.js';
import { epochBatches, grayscaleBatch } from '../../src/data/loader.js';

const dataDir = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;
const outFile = process.argv[3] ?? 'models/fashion_vgg.safetensors';
const EPOCHS = Number(process.env.EPOCHS ?? 8);
const BATCH = 64;
const MEAN = 0.286;
const STD = 0.353;
export const FASHION_CFG = [32, 32, 'M', 64, 64, 'M', 128, 'M'] as const;

manualSeed(2024);
const gen = new Generator(7);
const train = await loadMnistSplit(dataDir, 'train');
const test = await loadMnistSplit(dataDir, 'test');
const model = new VGG(makeLayers(FASHION_CFG, { batchNorm: true, inChannels: 1 }), { numClasses: 10, hiddenFeatures: 256, poolSize: 3, dropout: 0.3 });
const stepsPerEpoch = Math.floor(train.count / BATCH);
const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
const sched = new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: EPOCHS * stepsPerEpoch });
const started = performance.now();
const log: string[] = [];

function evaluate(): number {
  model.eval();
  let correct = 0;
  for (const idx of epochBatches(test.count, { batchSize: 500 })) {
    const { x, y } = grayscaleBatch(test, idx, { mean: MEAN, std: STD });
    const pred = noGrad(() => model.forward(x)).argmax(1).data;
    y.forEach((label, i) => { if (pred[i] === label) correct++; });
  }
  return correct / test.count;
}

for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  model.train();
  let seen = 0;
  let lossSum = 0;
  const t0 = performance.now();
  for (const idx of epochBatches(train.count, { batchSize: BATCH, shuffle: true, dropLast: true, generator: gen })) {
    const { x, y } = grayscaleBatch(train, idx, { padCrop: 2, flip: 0.5, mean: MEAN, std: STD, generator: gen });
    const loss = nn.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
    opt.zeroGrad();
    loss.backward();
    opt.step();
    sched.step();
    lossSum += loss.item() * idx.length;
    seen += idx.length;
  }
  const acc = evaluate();
  const line = `epoch ${epoch}/${EPOCHS} loss ${(lossSum / seen).toFixed(4)} test accuracy ${(acc * 100).toFixed(2)}% ` +
    `(${((performance.now() - t0) / 1000).toFixed(0)} s, ${(seen / ((performance.now() - t0) / 1000)).toFixed(0)} img/s, backend ${backend().name})`;
  console.log(line);
  log.push(line);
}
const accuracy = evaluate();
await saveModel(outFile, model, {
  categories: FASHION_MNIST_CLASSES,
  transforms: { kind: 'ImageClassification', grayscale: true, resizeSize: 28, cropSize: 28, mean: [MEAN], std: [STD] },
});
writeFileSync(outFile.replace(/\.safetensors$/, '.json'), `${JSON.stringify({
  command: `node dist/examples/fashion/train.js ${process.argv.slice(2).join(' ')}`.trim(),
  epochs: EPOCHS, batchSize: BATCH, testAccuracy: accuracy, wallSeconds: Math.round((performance.now() - started) / 1000), log,
}, null, 2)}\n`);
console.log(`test accuracy ${(accuracy * 100).toFixed(2)}%, wrote ${outFile}`);
