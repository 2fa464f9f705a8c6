/** `vgg features` (activations of chosen layers to safetensors) and `vgg similar` (rank images by embedding). */
import type { Command } from 'commander';
import { readImage } from '../data/image.js';
import { stack } from '../models/classify.js';
import { createFeatureExtractor, embed, cosineSimilarity, type GlobalPooling } from '../models/features.js';
import { saveSafetensors } from '../io/checkpoint.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../errors.js';
import { expandImagePaths, resolveModel, type ModelSourceOptions, type ReadyModel } from './model-source.js';
import { parsePositiveInt } from './parse.js';

async function loadInputs(files: string[], ready: ReadyModel): Promise<Tensor> {
  const size = ready.model.minInputSize();
  const images = [];
  for (const f of files) images.push(ready.transform(await readImage(f, { minSize: [size, size] })));
  return stack(images);
}

interface FeaturesOptions extends ModelSourceOptions {
  layers: string;
  out: string;
}

interface SimilarOptions extends ModelSourceOptions {
  pooling: GlobalPooling;
  topk?: number;
  json: boolean;
}

function parsePooling(v: string): GlobalPooling {
  if (v !== 'avg' && v !== 'max') throw new ArgumentError(`--pooling must be avg or max, got "${v}"`);
  return v;
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('save the activations of chosen layers (e.g. relu1_2,relu2_2,relu3_3,relu4_3) for each image')
    .argument('<images...>')
    .requiredOption('--layers <names>', 'comma-separated: conv1_1 … relu5_4, pool1 … pool5, or features.N')
    .requiredOption('--out <file.safetensors>', 'output file: one [N, C, H, W] tensor per layer')
    .option('--model <arch>', 'vgg11 … vgg19_bn (default vgg16)')
    .option('--weights <name|file>', 'DEFAULT, a model file written by saveModel, or a checkpoint for --model')
    .action(async (inputs: string[], opts: FeaturesOptions) => {
      const files = await expandImagePaths(inputs, (p) => process.stderr.write(`skipping ${p}: not an image file\n`));
      if (!files.length) throw new ArgumentError('no images given');
      const ready = await resolveModel(opts);
      const extractor = createFeatureExtractor(
        ready.model.eval(),
        opts.layers.split(',').map((s) => s.trim()),
      );
      const x = await loadInputs(files, ready);
      const maps = noGrad(() => extractor.forward(x));
      await saveSafetensors(opts.out, maps, {
        format: 'pt',
        metadata: { files: JSON.stringify(files), model: ready.name },
      });
      process.stderr.write(
        `wrote ${[...maps].map(([k, t]) => `${k} [${t.shape.join(', ')}]`).join(', ')} to ${opts.out}\n`,
      );
    });

  program
    .command('similar')
    .description('rank the images in a folder by cosine similarity of their VGG embeddings to a query image')
    .argument('<query>')
    .argument('<images...>', 'files or folders to search')
    .option('--pooling <avg|max>', 'global pooling of the last feature map', parsePooling, 'avg' as GlobalPooling)
    .option('--topk <k>', 'show only the k most similar', parsePositiveInt)
    .option('--json', 'print a JSON array: [{ file, similarity }]', false)
    .option('--model <arch>', 'vgg11 … vgg19_bn (default vgg16)')
    .option('--weights <name|file>', 'DEFAULT, a model file written by saveModel, or a checkpoint for --model')
    .action(async (query: string, inputs: string[], opts: SimilarOptions) => {
      const files = (
        await expandImagePaths(inputs, (p) => process.stderr.write(`skipping ${p}: not an image file\n`))
      ).filter((f) => f !== query);
      if (!files.length) throw new ArgumentError('no images to compare with');
      const ready = await resolveModel(opts);
      const model = ready.model.eval();
      const q = await loadInputs([query], ready);
      const xs = await loadInputs(files, ready);
      const sims = noGrad(() => cosineSimilarity(embed(model, q, opts.pooling), embed(model, xs, opts.pooling)));
      const ranked = files
        .map((file, i) => ({ file, similarity: sims.data[i] }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, opts.topk ?? files.length);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(ranked, null, 2)}\n`
          : ranked.map((r) => `${r.similarity.toFixed(4)}  ${r.file}`).join('\n') + '\n',
      );
    });
}
