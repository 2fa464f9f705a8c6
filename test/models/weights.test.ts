import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { OfflineError } from '../../src/io/hub.js';
import { IMAGENET_CATEGORIES } from '../../src/models/imagenet.js';
import {
  ALL_WEIGHTS,
  VGG11_BN_Weights,
  VGG11_Weights,
  VGG13_BN_Weights,
  VGG13_Weights,
  VGG16_BN_Weights,
  VGG16_Weights,
  VGG19_BN_Weights,
  VGG19_Weights,
  WEIGHTS_ARCHS,
  Weights,
  type WeightsEnum,
  getWeight,
  listWeightNames,
  resolveWeights,
  weightsForArch,
} from '../../src/models/weights.js';
import { makeTempDir, removeDir, saveEnv } from '../helpers/http.js';
import { type RefEntry, loadReference } from '../helpers/weights.js';

const ref = loadReference();

const EXPORTED: Record<string, WeightsEnum> = {
  VGG11_Weights,
  VGG11_BN_Weights,
  VGG13_Weights,
  VGG13_BN_Weights,
  VGG16_Weights,
  VGG16_BN_Weights,
  VGG19_Weights,
  VGG19_BN_Weights,
};

const refEntries: RefEntry[] = Object.values(ref.enums).flatMap((e) => Object.values(e.members));

describe('weights registry agrees with torchvision ' + ref.torchvision_version, () => {
  it('has the same nine checkpoints', () => {
    assert.equal(ALL_WEIGHTS.length, 9);
    assert.equal(refEntries.length, 9);
    assert.deepEqual(ALL_WEIGHTS.map((w) => w.name).sort(), refEntries.map((e) => e.name).sort());
  });

  it('exports one enum-like object per torchvision enum, with the same entries and aliases', () => {
    assert.deepEqual(Object.keys(EXPORTED).sort(), Object.keys(ref.enums).sort());
    for (const [enumName, r] of Object.entries(ref.enums)) {
      const ours = EXPORTED[enumName];
      const expectedKeys = [...Object.keys(r.members), ...Object.keys(r.aliases)].sort();
      assert.deepEqual(Object.keys(ours).sort(), expectedKeys, enumName);
      for (const [alias, target] of Object.entries(r.aliases)) {
        assert.equal(ours[alias], ours[target], `${enumName}.${alias} is ${enumName}.${target}`);
        assert.equal(ours[alias].name, `${enumName}.${target}`);
      }
      assert.equal(weightsForArch(r.arch), ours, r.arch);
    }
    assert.deepEqual(
      [...WEIGHTS_ARCHS].sort(),
      Object.values(ref.enums)
        .map((e) => e.arch)
        .sort(),
    );
  });

  for (const e of refEntries) {
    it(`${e.name}: url, file name, meta and transforms`, () => {
      const w = getWeight(e.name);
      const [enumName, entry] = e.name.split('.');
      assert.ok(w instanceof Weights);
      assert.equal(w.name, e.name);
      assert.equal(w.enumName, enumName);
      assert.equal(w.entry, entry);
      assert.equal(String(w), e.name);
      assert.equal(w.arch, e.arch);
      assert.equal(w.url, e.url);
      assert.equal(w.fileName, e.file_name);
      assert.equal(w.meta.numParams, e.num_params);
      assert.deepEqual(w.meta.minSize, e.min_size);
      assert.equal(w.meta.recipe, e.recipe);
      if (e.categories_len === null) {
        assert.equal(w.meta.categories, null);
        assert.equal(w.numClasses, null);
      } else {
        assert.equal(w.meta.categories?.length, e.categories_len);
        assert.equal(w.numClasses, e.categories_len);
        assert.equal(e.categories_is_imagenet, true);
        assert.equal(w.meta.categories, IMAGENET_CATEGORIES);
      }
      // Metrics: same datasets and keys; JSON null stands for torchvision's NaN.
      assert.deepEqual(Object.keys(w.meta.metrics).sort(), Object.keys(e.metrics).sort());
      for (const [ds, vals] of Object.entries(e.metrics)) {
        assert.deepEqual(Object.keys(w.meta.metrics[ds]).sort(), Object.keys(vals).sort());
        for (const [k, v] of Object.entries(vals)) {
          const ours = w.meta.metrics[ds][k];
          if (v === null) assert.ok(Number.isNaN(ours), `${e.name} ${ds} ${k} should be NaN`);
          else assert.equal(ours, v, `${e.name} ${ds} ${k}`);
        }
      }
      // GFLOPS / file size only exist in later torchvision; compare when the reference has them.
      if (e.gflops !== undefined) assert.equal(w.meta.gflops, e.gflops);
      if (e.file_size_mb !== undefined) assert.equal(w.meta.fileSizeMb, e.file_size_mb);
      const t = w.transformsSpec;
      assert.equal(t.kind, e.transforms.kind);
      assert.equal(t.cropSize, e.transforms.crop_size);
      assert.equal(t.resizeSize, e.transforms.resize_size);
      assert.deepEqual(t.mean, e.transforms.mean);
      assert.deepEqual(t.std, e.transforms.std);
      assert.equal(t.interpolation, e.transforms.interpolation);
    });
  }

  it('has GFLOPS and file sizes as later torchvision versions publish them', () => {
    const expected: Record<string, [number, number]> = {
      'VGG11_Weights.IMAGENET1K_V1': [7.609, 506.84],
      'VGG11_BN_Weights.IMAGENET1K_V1': [7.609, 506.881],
      'VGG13_Weights.IMAGENET1K_V1': [11.308, 507.545],
      'VGG13_BN_Weights.IMAGENET1K_V1': [11.308, 507.59],
      'VGG16_Weights.IMAGENET1K_V1': [15.47, 527.796],
      'VGG16_Weights.IMAGENET1K_FEATURES': [15.47, 527.802],
      'VGG16_BN_Weights.IMAGENET1K_V1': [15.47, 527.866],
      'VGG19_Weights.IMAGENET1K_V1': [19.632, 548.051],
      'VGG19_BN_Weights.IMAGENET1K_V1': [19.632, 548.143],
    };
    for (const w of ALL_WEIGHTS) assert.deepEqual([w.meta.gflops, w.meta.fileSizeMb], expected[w.name], w.name);
  });

  it('keeps the file names torch.hub caches under (hash prefix included)', () => {
    for (const w of ALL_WEIGHTS) {
      assert.equal(w.fileName, w.url.slice(w.url.lastIndexOf('/') + 1));
      assert.match(w.fileName, /-[a-f0-9]{8}\.pth$/);
    }
  });

  it('IMAGENET1K_FEATURES has no categories, its own normalisation and NaN metrics', () => {
    const f = VGG16_Weights.IMAGENET1K_FEATURES;
    assert.equal(f.meta.categories, null);
    assert.deepEqual(f.transformsSpec.mean, [0.48235, 0.45882, 0.40784]);
    assert.deepEqual(f.transformsSpec.std, [1 / 255, 1 / 255, 1 / 255]);
    assert.ok(Number.isNaN(f.meta.metrics['ImageNet-1K']['acc@1']));
    assert.notEqual(VGG16_Weights.DEFAULT, f);
  });

  it('is immutable', () => {
    const w = VGG11_Weights.DEFAULT;
    assert.ok(Object.isFrozen(w) && Object.isFrozen(w.meta) && Object.isFrozen(w.transformsSpec));
    assert.ok(Object.isFrozen(w.meta.metrics['ImageNet-1K']) && Object.isFrozen(w.transformsSpec.mean));
    assert.ok(Object.isFrozen(VGG11_Weights) && Object.isFrozen(ALL_WEIGHTS));
    assert.throws(() => {
      (VGG11_Weights as Record<string, Weights>).DEFAULT = VGG19_Weights.DEFAULT;
    }, TypeError);
  });
});

describe('ImageNet categories', () => {
  it('are the 1000 names of torchvision _IMAGENET_CATEGORIES, in order', () => {
    assert.equal(IMAGENET_CATEGORIES.length, 1000);
    assert.deepEqual([...IMAGENET_CATEGORIES], ref.imagenet_categories);
    assert.equal(IMAGENET_CATEGORIES[0], 'tench');
    assert.ok(Object.isFrozen(IMAGENET_CATEGORIES));
  });
});

describe('getWeight', () => {
  it('accepts full names and DEFAULT aliases', () => {
    assert.equal(getWeight('VGG16_Weights.IMAGENET1K_V1'), VGG16_Weights.IMAGENET1K_V1);
    assert.equal(getWeight('VGG16_Weights.DEFAULT'), VGG16_Weights.IMAGENET1K_V1);
    assert.equal(getWeight('VGG16_Weights.IMAGENET1K_FEATURES'), VGG16_Weights.IMAGENET1K_FEATURES);
    assert.equal(getWeight('VGG19_BN_Weights.DEFAULT'), VGG19_BN_Weights.IMAGENET1K_V1);
  });

  it('lists the valid names when the name is wrong', () => {
    for (const bad of [
      'VGG16_Weights.IMAGENET1K_V2',
      'VGG17_Weights.DEFAULT',
      'vgg16',
      'VGG16_Weights',
      'a.b.c',
      '',
      'VGG16_Weights.toString',
    ]) {
      assert.throws(
        () => getWeight(bad),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.ok(e.message.includes(`"${bad}"`), e.message);
          assert.ok(
            e.message.includes('VGG11_Weights.IMAGENET1K_V1') &&
              e.message.includes('VGG16_Weights.IMAGENET1K_FEATURES'),
            e.message,
          );
          return true;
        },
      );
    }
  });

  it('listWeightNames has the 9 entries plus 8 DEFAULT aliases', () => {
    const names = listWeightNames();
    assert.equal(names.length, 17);
    for (const n of names) assert.ok(getWeight(n) instanceof Weights);
  });
});

describe('resolveWeights', () => {
  it('maps null/undefined to null', () => {
    assert.equal(resolveWeights('vgg16', null), null);
    assert.equal(resolveWeights('vgg16', undefined), null);
  });

  it('accepts entry names, full names and Weights objects of the right arch', () => {
    assert.equal(resolveWeights('vgg16', 'DEFAULT'), VGG16_Weights.IMAGENET1K_V1);
    assert.equal(resolveWeights('vgg16', 'IMAGENET1K_FEATURES'), VGG16_Weights.IMAGENET1K_FEATURES);
    assert.equal(resolveWeights('vgg11_bn', 'IMAGENET1K_V1'), VGG11_BN_Weights.IMAGENET1K_V1);
    assert.equal(resolveWeights('vgg13', 'VGG13_Weights.DEFAULT'), VGG13_Weights.IMAGENET1K_V1);
    assert.equal(resolveWeights('vgg19', VGG19_Weights.DEFAULT), VGG19_Weights.IMAGENET1K_V1);
  });

  it('rejects weights of another architecture', () => {
    assert.throws(
      () => resolveWeights('vgg16', VGG16_BN_Weights.DEFAULT),
      /VGG16_BN_Weights\.IMAGENET1K_V1 belong to vgg16_bn, not vgg16/,
    );
    assert.throws(() => resolveWeights('vgg11', 'VGG16_Weights.DEFAULT'), /belong to vgg16, not vgg11/);
  });

  it('rejects unknown entries and architectures with the valid choices', () => {
    assert.throws(
      () => resolveWeights('vgg11', 'IMAGENET1K_FEATURES'),
      /Unknown weights "IMAGENET1K_FEATURES" for vgg11.*VGG11_Weights\.IMAGENET1K_V1/,
    );
    assert.throws(
      () => resolveWeights('vgg16', 'imagenet'),
      /expected one of VGG16_Weights\.IMAGENET1K_V1, VGG16_Weights\.IMAGENET1K_FEATURES, VGG16_Weights\.DEFAULT/,
    );
    assert.throws(
      () => resolveWeights('resnet50', 'DEFAULT'),
      /No pretrained weights are known for architecture "resnet50".*vgg11/,
    );
  });
});

describe('Weights.download', () => {
  const restore = saveEnv();
  let tmp = '';
  after(async () => {
    restore();
    if (tmp) await removeDir(tmp);
  });

  it('returns a checkpoint already in the torch.hub cache, offline', async () => {
    tmp = await makeTempDir('vgg-weights-test-');
    process.env.TORCH_HOME = tmp;
    const dir = path.join(tmp, 'hub', 'checkpoints');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'vgg16-397923af.pth'), 'pretend');
    assert.equal(await VGG16_Weights.DEFAULT.download({ offline: true }), path.join(dir, 'vgg16-397923af.pth'));
    await assert.rejects(VGG19_Weights.DEFAULT.download({ offline: true }), (e: unknown) => {
      assert.ok(e instanceof OfflineError);
      assert.ok(e.message.includes('vgg19-dcbb9e9d.pth'));
      return true;
    });
  });
});
