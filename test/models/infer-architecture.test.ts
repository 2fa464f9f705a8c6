/** inferArchitecture: a VGG rebuilt from its state dict's keys and shapes alone. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferArchitecture } from '../../src/models/infer-architecture.js';
import { VGG, cfgs, makeLayers } from '../../src/models/vgg.js';
import { decodeRawSafetensors } from '../../src/io/safetensors.js';
import { CheckpointError } from '../../src/io/errors.js';
import { repoRoot } from '../helpers/paths.js';

const shapesOf = (model: VGG) => new Map([...model.stateDict()].map(([k, t]) => [k, t.shape]));

describe('inferArchitecture', () => {
  for (const [name, cfg] of Object.entries(cfgs)) {
    for (const batchNorm of [false, true]) {
      test(`config ${name}${batchNorm ? ' with BatchNorm' : ''} (narrowed)`, () => {
        const narrow = cfg.map((c) => (c === 'M' ? c : c / 32));
        const model = new VGG(makeLayers(narrow, { batchNorm, inChannels: 2 }), {
          numClasses: 7,
          hiddenFeatures: 12,
          poolSize: 3,
          initWeights: false,
        });
        assert.deepEqual(inferArchitecture(shapesOf(model)), { ...model.architecture()!, dropout: 0.5 });
      });
    }
  }

  test('fashion_vgg, from the shapes in its file', () => {
    const { tensors, metadata } = decodeRawSafetensors(readFileSync(join(repoRoot, 'models/fashion_vgg.safetensors')));
    const saved = JSON.parse(metadata.get('vgg-ts.architecture')!) as object;
    const inferred = inferArchitecture(new Map([...tensors].map(([k, r]) => [k, r.shape])));
    assert.deepEqual(inferred, { ...saved, dropout: 0.5 });
  });

  test('state dicts that are not a VGG are refused', () => {
    assert.throws(() => inferArchitecture(new Map([['conv.weight', [4, 3, 3, 3]]])), CheckpointError);
    const model = new VGG(makeLayers([4, 'M', 8, 'M']), { numClasses: 3, hiddenFeatures: 5, initWeights: false });
    const shapes = shapesOf(model);
    shapes.set('features.4.weight', [8, 4, 3, 3]); // a conv where the pool is
    shapes.delete('features.3.weight');
    assert.throws(() => inferArchitecture(shapes), /features\.4: not where a VGG layer list puts a conv/);
    shapes.set('classifier.0.weight', [5, 8 * 7 * 7 + 1]);
    assert.throws(() => inferArchitecture(shapes), CheckpointError);
  });
});
