/**
 * Writes a handful of Fashion-MNIST test images as PNGs (the first test image
 * of each class), for `npx vgg classify --model fashion_vgg examples/fashion/*.png`.
 *
 *   npm run build && node dist/examples/fashion/samples.js [dataDir] [outDir]
 */
import sharp from 'sharp';
import { loadMnistSplit, DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES } from '../../src/data/datasets/mnist.js';

const dataDir = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;
const outDir = process.argv[3] ?? 'examples/fashion';
const test = await loadMnistSplit(dataDir, 'test');
const plane = test.height * test.width;
for (let cls = 0; cls < FASHION_MNIST_CLASSES.length; cls++) {
  const i = test.labels.indexOf(cls);
  const name = FASHION_MNIST_CLASSES[cls].toLowerCase().replace(/[^a-z]+/g, '-');
  const file = `${outDir}/test${String(i).padStart(4, '0')}-${cls}-${name}.png`;
  await sharp(Buffer.from(test.images.subarray(i * plane, (i + 1) * plane)), {
    raw: { width: test.width, height: test.height, channels: 1 },
  })
    .png()
    .toFile(file);
  console.log(file);
}
