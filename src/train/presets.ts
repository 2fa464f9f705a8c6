/**
 * The usual training and evaluation transforms per dataset, as `vgg train`
 * uses them: normalisation by the training pixels' mean/std (ImageNet's for
 * image folders), and the standard augmentations — pad-2 random crop (+ flip for
 * Fashion-MNIST; digits are not mirrored) for 28×28 (Fashion-)MNIST, pad-4 random crop + flip for CIFAR-10, random
 * resized crop + flip for image folders. `preprocessing` is the evaluation
 * transform as data, which saved models record for `vgg classify`.
 */
import { ArgumentError } from '../errors.js';
import type { SampleTransform } from '../data/dataset.js';
import { composeSample, randomCrop, randomHorizontalFlip, randomResizedCrop } from '../data/augment.js';
import { imageClassification, normalize, type ImageClassificationSpec } from '../data/transforms.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../models/weights.js';

export type PresetName = 'fashion-mnist' | 'mnist' | 'cifar10' | 'folder';

export interface TrainingPreset {
  trainTransform: SampleTransform;
  testTransform: SampleTransform;
  preprocessing: ImageClassificationSpec;
}

export interface PresetOptions {
  /** Random augmentations for training. Default true; false trains on the evaluation transform. */
  augment?: boolean;
  /** Image folders only: the side of the square crops the model sees. Default 224. */
  imageSize?: number;
}

/** Fashion-MNIST's recorded form must not change: models/fashion_vgg.safetensors carries it. */
const grayscaleSpec = (mean: number, std: number): ImageClassificationSpec => ({
  kind: 'ImageClassification',
  grayscale: true,
  resizeSize: 28,
  cropSize: 28,
  mean: [mean],
  std: [std],
});

export function trainingPreset(name: PresetName, opts: PresetOptions = {}): TrainingPreset {
  const augment = opts.augment ?? true;
  const size = opts.imageSize ?? 224;
  if (!Number.isInteger(size) || size < 1) throw new ArgumentError(`imageSize must be a positive integer, got ${size}`);
  if (opts.imageSize !== undefined && name !== 'folder')
    throw new ArgumentError(`imageSize applies to image folders; ${name} images have a fixed size`);
  let preprocessing: ImageClassificationSpec;
  let augmentations: SampleTransform[];
  switch (name) {
    case 'fashion-mnist':
    case 'mnist':
      preprocessing = name === 'mnist' ? grayscaleSpec(0.1307, 0.3081) : grayscaleSpec(0.286, 0.353);
      // A mirrored digit is often another digit (or none); mirrored clothes are still clothes.
      augmentations =
        name === 'mnist'
          ? [randomCrop(28, { padding: 2 })]
          : [randomCrop(28, { padding: 2 }), randomHorizontalFlip(0.5)];
      break;
    case 'cifar10':
      preprocessing = {
        kind: 'ImageClassification',
        resizeSize: 32,
        cropSize: 32,
        mean: [0.4914, 0.4822, 0.4465],
        std: [0.247, 0.2435, 0.2616],
      };
      augmentations = [randomCrop(32, { padding: 4 }), randomHorizontalFlip(0.5)];
      break;
    case 'folder':
      // ImageNet's evaluation ratio: resize to 256 for a 224 crop.
      preprocessing = {
        kind: 'ImageClassification',
        resizeSize: Math.round((size * 256) / 224),
        cropSize: size,
        mean: [...IMAGENET_MEAN],
        std: [...IMAGENET_STD],
      };
      augmentations = [randomResizedCrop(size), randomHorizontalFlip(0.5)];
      break;
    default:
      throw new ArgumentError(
        `no training preset for ${JSON.stringify(name)}; expected fashion-mnist, mnist, cifar10 or folder`,
      );
  }
  const testTransform = imageClassification(preprocessing);
  const trainTransform = augment
    ? composeSample(...augmentations, normalize(preprocessing.mean, preprocessing.std))
    : testTransform;
  return { trainTransform, testTransform, preprocessing };
}
