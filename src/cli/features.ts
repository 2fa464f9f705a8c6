/** `vgg features` (activations of chosen layers to safetensors) and `vgg similar` (rank images by embedding). */
import { InvalidArgumentError, type Command } from 'commander';
import { readImage } from '../data/image.js';
import { imageFailure, stack } from '../models/classify.js';
import { createFeatureExtractor, embed, cosineSimilarity, type GlobalPooling } from '../models/features.js';
import { saveSafetensors } from '../io/checkpoint.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, VggError } from '../errors.js';
import { findImages, MODEL_HELP, resolveModel, type ModelSourceOptions, type ReadyModel } from './model-source.js';
import { EXIT_SOME_FAILED } from './errors.js';
import { parsePositiveInt } from './parse.js';

/** The images that could be read and preprocessed, as one batch; each one that could not is reported and left out. */
async function loadInputs(files: string[], ready: ReadyModel): Promise<{ batch: Tensor | null; loaded: string[] }> {
  const images: Tensor[] = [];
  const loaded: string[] = [];
  for (const f of files) {
    try {
      images.push(ready.transform(await readImage(f)));
      loaded.push(f);
    } catch (e) {
      if (!(e instanceof VggError)) throw e;
      process.stderr.write(`vgg: ${imageFailure(f, e)}\n`);
      process.exitCode = EXIT_SOME_FAILED;
    }
  }
  return { batch: images.length ? stack(images) : null, loaded };
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
  if (v !== 'avg' && v !== 'max') throw new InvalidArgumentError(`expected avg or max, got "${v}"`);
  return v;
}

const WEIGHTS_HELP = 'DEFAULT, a model file written by saveModel (alone), or a checkpoint for --model';

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('save the activations of chosen layers (e.g. relu1_2,relu2_2,relu3_3,relu4_3) for each image')
    .argument('<images...>')
    .requiredOption('--layers <names>', 'comma-separated: conv1_1 … relu5_4, pool1 … pool5, or features.N')
    .requiredOption('--out <file.safetensors>', 'output file: one [N, C, H, W] tensor per layer')
    .option('--model <name>', `${MODEL_HELP}; default vgg16`)
    .option('--weights <name|file>', WEIGHTS_HELP)
    .action(async (inputs: string[], opts: FeaturesOptions) => {
      const files = await findImages(inputs);
      const ready = await resolveModel(opts);
      const extractor = createFeatureExtractor(
        ready.model.eval(),
        opts.layers.split(',').map((s) => s.trim()),
      );
      const { batch, loaded } = await loadInputs(files, ready);
      if (!batch) return;
      const maps = noGrad(() => extractor.forward(batch));
      await saveSafetensors(opts.out, maps, {
        format: 'pt',
        metadata: { files: JSON.stringify(loaded), model: ready.name },
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
    .option('--model <name>', `${MODEL_HELP}; default vgg16`)
    .option('--weights <name|file>', WEIGHTS_HELP)
    .action(async (query: string, inputs: string[], opts: SimilarOptions) => {
      const files = (await findImages(inputs)).filter((f) => f !== query);
      if (!files.length) throw new ArgumentError(`no images to compare with ${query} in ${inputs.join(', ')}`);
      const ready = await resolveModel(opts);
      const model = ready.model.eval();
      // Without the query there is nothing to rank: its failure ends the command.
      const q = stack([ready.transform(await readImage(query))]);
      const { batch, loaded } = await loadInputs(files, ready);
      if (!batch) return;
      const sims = noGrad(() => cosineSimilarity(embed(model, q, opts.pooling), embed(model, batch, opts.pooling)));
      const ranked = loaded
        .map((file, i) => ({ file, similarity: sims.data[i] }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, opts.topk ?? loaded.length);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(ranked, null, 2)}\n`
          : ranked.map((r) => `${r.similarity.toFixed(4)}  ${r.file}`).join('\n') + '\n',
      );
    });
}
