/**
 * Registry of the pretrained VGG weights published by torchvision, mirroring the
 * `VGG11_Weights` … `VGG19_BN_Weights` enums of torchvision 0.14 (`models/vgg.py`).
 *
 * Everything here is data: one table (`TABLE`) describes the nine checkpoints and
 * the enum-like objects, lookups and `DEFAULT` aliases are derived from it. GFLOPS and
 * file sizes are not in torchvision 0.14; they are the values later torchvision
 * releases publish for the very same files.
 */

import { ArgumentError } from '../errors.js';
import type { LoadStateDictOptions } from '../io/hub.js';
import { downloadWeights } from '#platform/pretrained';
import { IMAGENET_CATEGORIES } from './imagenet.js';
import { imageClassification } from '../data/transforms.js';
import type { Tensor } from '../tensor/tensor.js';

/** Descriptive metadata of one checkpoint (torchvision's `Weights.meta`, camelCased). */
export interface WeightsMeta {
  /** Number of parameters of the model the checkpoint fits. */
  numParams: number;
  /** Class names indexed by output unit, or `null` when the classifier is not usable. */
  categories: readonly string[] | null;
  /** Smallest input `[height, width]` the network accepts. */
  minSize: [number, number];
  /** Where the training recipe is described. */
  recipe: string;
  /** Reported accuracy per dataset, e.g. `{'ImageNet-1K': {'acc@1': 69.02, 'acc@5': 88.628}}`; NaN when unknown. */
  metrics: Record<string, Record<string, number>>;
  /** Forward-pass cost at 224×224 in GFLOPS (as published by later torchvision versions). */
  gflops?: number;
  /** Checkpoint file size in MB of 2^20 bytes (torchvision's `_file_size`, as published by later versions). */
  fileSizeMb?: number;
  /** A short note about the weights. */
  docs?: string;
}

/**
 * Parameters of torchvision's `ImageClassification` inference preset: resize the shorter
 * side to `resizeSize` with `interpolation`, centre-crop `cropSize`, scale to [0, 1],
 * normalise with `mean`/`std`. `antialias` left undefined means torchvision 0.14's own
 * behaviour (no explicit antialias argument).
 */
export interface TransformsSpec {
  kind: 'ImageClassification';
  cropSize: number;
  resizeSize: number;
  mean: [number, number, number];
  std: [number, number, number];
  interpolation: 'bilinear';
  antialias?: boolean;
}

/** One pretrained checkpoint, e.g. `VGG16_Weights.IMAGENET1K_V1`. Instances are frozen. */
export class Weights {
  /** Full enum name, e.g. `'VGG16_Weights.IMAGENET1K_V1'`. */
  readonly name: string;
  /** Enum class name, e.g. `'VGG16_Weights'`. */
  readonly enumName: string;
  /** Entry name inside the enum, e.g. `'IMAGENET1K_V1'`. */
  readonly entry: string;
  /** Model builder the weights belong to, e.g. `'vgg16'`. */
  readonly arch: string;
  readonly url: string;
  /** Cache file name: the last path segment of `url`, as torch.hub names it. */
  readonly fileName: string;
  readonly meta: WeightsMeta;
  readonly transformsSpec: TransformsSpec;

  constructor(init: {
    enumName: string;
    entry: string;
    arch: string;
    url: string;
    meta: WeightsMeta;
    transformsSpec: TransformsSpec;
  }) {
    this.enumName = init.enumName;
    this.entry = init.entry;
    this.name = `${init.enumName}.${init.entry}`;
    this.arch = init.arch;
    this.url = init.url;
    this.fileName = new URL(init.url).pathname.split('/').pop() ?? '';
    this.meta = init.meta;
    this.transformsSpec = init.transformsSpec;
    Object.freeze(this);
  }

  /** Number of output classes the checkpoint's classifier has, or `null` if it has no usable one. */
  get numClasses(): number | null {
    return this.meta.categories === null ? null : this.meta.categories.length;
  }

  /**
   * Path of the checkpoint in the torch.hub cache, downloading it first (hash-checked)
   * when it is not there yet. See `loadStateDictFromUrl` for the options.
   */
  download(opts: Omit<LoadStateDictOptions, 'fileName'> = {}): Promise<string> {
    return downloadWeights(this.url, { checkHash: true, ...opts, fileName: this.fileName });
  }

  /** The preprocessing these weights expect (torchvision's `weights.transforms()`): resize, crop, normalise. */
  transforms(): (img: Tensor) => Tensor {
    return imageClassification(this.transformsSpec);
  }

  toString(): string {
    return this.name;
  }

  toJSON(): string {
    return this.name;
  }
}

// ---------------------------------------------------------------------------
// The table.

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
const VGG_RECIPE = 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg';
const SCRATCH_DOCS = "Trained from scratch on ImageNet-1K with torchvision's simplified classification recipe.";
const URL_BASE = 'https://download.pytorch.org/models/';

interface Row {
  arch: string;
  enumName: string;
  entry: string;
  file: string;
  numParams: number;
  acc1: number;
  acc5: number;
  gflops: number;
  fileSizeMb: number;
  /** Overrides for entries that differ from the common ImageNet classification setup. */
  categories?: null;
  recipe?: string;
  docs?: string;
  mean?: [number, number, number];
  std?: [number, number, number];
}

const TABLE: readonly Row[] = [
  {
    arch: 'vgg11',
    enumName: 'VGG11_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg11-8a719046.pth',
    numParams: 132863336,
    acc1: 69.02,
    acc5: 88.628,
    gflops: 7.609,
    fileSizeMb: 506.84,
  },
  {
    arch: 'vgg11_bn',
    enumName: 'VGG11_BN_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg11_bn-6002323d.pth',
    numParams: 132868840,
    acc1: 70.37,
    acc5: 89.81,
    gflops: 7.609,
    fileSizeMb: 506.881,
  },
  {
    arch: 'vgg13',
    enumName: 'VGG13_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg13-19584684.pth',
    numParams: 133047848,
    acc1: 69.928,
    acc5: 89.246,
    gflops: 11.308,
    fileSizeMb: 507.545,
  },
  {
    arch: 'vgg13_bn',
    enumName: 'VGG13_BN_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg13_bn-abd245e5.pth',
    numParams: 133053736,
    acc1: 71.586,
    acc5: 90.374,
    gflops: 11.308,
    fileSizeMb: 507.59,
  },
  {
    arch: 'vgg16',
    enumName: 'VGG16_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg16-397923af.pth',
    numParams: 138357544,
    acc1: 71.592,
    acc5: 90.382,
    gflops: 15.47,
    fileSizeMb: 527.796,
  },
  {
    arch: 'vgg16',
    enumName: 'VGG16_Weights',
    entry: 'IMAGENET1K_FEATURES',
    file: 'vgg16_features-amdegroot-88682ab5.pth',
    numParams: 138357544,
    acc1: NaN,
    acc5: NaN,
    gflops: 15.47,
    fileSizeMb: 527.802,
    categories: null,
    recipe: 'https://github.com/amdegroot/ssd.pytorch#training-ssd',
    docs:
      'Port of the amdegroot/ssd.pytorch VGG-16 backbone. Only the `features` module holds trained values ' +
      '(the classifier does not), so use it for feature extraction, not classification. Inputs use the ' +
      "original paper's standardisation: 0-255 pixel scale minus a per-channel mean.",
    mean: [0.48235, 0.45882, 0.40784],
    std: [1 / 255, 1 / 255, 1 / 255],
  },
  {
    arch: 'vgg16_bn',
    enumName: 'VGG16_BN_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg16_bn-6c64b313.pth',
    numParams: 138365992,
    acc1: 73.36,
    acc5: 91.516,
    gflops: 15.47,
    fileSizeMb: 527.866,
  },
  {
    arch: 'vgg19',
    enumName: 'VGG19_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg19-dcbb9e9d.pth',
    numParams: 143667240,
    acc1: 72.376,
    acc5: 90.876,
    gflops: 19.632,
    fileSizeMb: 548.051,
  },
  {
    arch: 'vgg19_bn',
    enumName: 'VGG19_BN_Weights',
    entry: 'IMAGENET1K_V1',
    file: 'vgg19_bn-c79401a0.pth',
    numParams: 143678248,
    acc1: 74.218,
    acc5: 91.842,
    gflops: 19.632,
    fileSizeMb: 548.143,
  },
];

/** Aliases every enum has, as in torchvision: alias → entry. */
const ALIASES: Readonly<Record<string, string>> = { DEFAULT: 'IMAGENET1K_V1' };

function rowToWeights(row: Row): Weights {
  const meta: WeightsMeta = {
    numParams: row.numParams,
    categories: row.categories === null ? null : IMAGENET_CATEGORIES,
    minSize: [32, 32],
    recipe: row.recipe ?? VGG_RECIPE,
    metrics: { 'ImageNet-1K': { 'acc@1': row.acc1, 'acc@5': row.acc5 } },
    gflops: row.gflops,
    fileSizeMb: row.fileSizeMb,
    docs: row.docs ?? SCRATCH_DOCS,
  };
  const transformsSpec: TransformsSpec = {
    kind: 'ImageClassification',
    cropSize: 224,
    resizeSize: 256,
    mean: row.mean ?? IMAGENET_MEAN,
    std: row.std ?? IMAGENET_STD,
    interpolation: 'bilinear',
  };
  deepFreeze(meta);
  deepFreeze(transformsSpec);
  return new Weights({
    enumName: row.enumName,
    entry: row.entry,
    arch: row.arch,
    url: URL_BASE + row.file,
    meta,
    transformsSpec,
  });
}

function deepFreeze(obj: object): void {
  for (const v of Object.values(obj)) {
    if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v as object);
  }
  Object.freeze(obj);
}

/** An enum-like object: entry name (and aliases like `DEFAULT`) → Weights. */
export type WeightsEnum = Readonly<Record<string, Weights>>;

interface EnumInfo {
  enumName: string;
  arch: string;
  entries: Record<string, Weights>;
}

const ENUMS = new Map<string, EnumInfo>(); // by enum name
const ENUM_BY_ARCH = new Map<string, EnumInfo>();
const ALL: Weights[] = [];

for (const row of TABLE) {
  let info = ENUMS.get(row.enumName);
  if (!info) {
    info = { enumName: row.enumName, arch: row.arch, entries: {} };
    ENUMS.set(row.enumName, info);
    ENUM_BY_ARCH.set(row.arch, info);
  }
  const w = rowToWeights(row);
  info.entries[row.entry] = w;
  ALL.push(w);
}
for (const info of ENUMS.values()) {
  for (const [alias, target] of Object.entries(ALIASES)) {
    const w = info.entries[target];
    if (w) info.entries[alias] = w;
  }
  Object.freeze(info.entries);
}

function enumOf<K extends string>(enumName: string): Readonly<Record<K | 'DEFAULT', Weights>> {
  const info = ENUMS.get(enumName);
  if (!info) throw new Error(`internal: weights enum ${enumName} missing from the table`);
  return info.entries as Readonly<Record<K | 'DEFAULT', Weights>>;
}

export const VGG11_Weights = enumOf<'IMAGENET1K_V1'>('VGG11_Weights');
export const VGG11_BN_Weights = enumOf<'IMAGENET1K_V1'>('VGG11_BN_Weights');
export const VGG13_Weights = enumOf<'IMAGENET1K_V1'>('VGG13_Weights');
export const VGG13_BN_Weights = enumOf<'IMAGENET1K_V1'>('VGG13_BN_Weights');
export const VGG16_Weights = enumOf<'IMAGENET1K_V1' | 'IMAGENET1K_FEATURES'>('VGG16_Weights');
export const VGG16_BN_Weights = enumOf<'IMAGENET1K_V1'>('VGG16_BN_Weights');
export const VGG19_Weights = enumOf<'IMAGENET1K_V1'>('VGG19_Weights');
export const VGG19_BN_Weights = enumOf<'IMAGENET1K_V1'>('VGG19_BN_Weights');

/** All nine distinct checkpoints (aliases not repeated), in table order. */
export const ALL_WEIGHTS: readonly Weights[] = Object.freeze(ALL);

/** The architectures that have pretrained weights: `vgg11`, `vgg11_bn`, … `vgg19_bn`. */
export const WEIGHTS_ARCHS: readonly string[] = Object.freeze([...ENUM_BY_ARCH.keys()]);

/** Every valid full name, aliases included, e.g. `VGG16_Weights.DEFAULT`. */
export function listWeightNames(): string[] {
  const names: string[] = [];
  for (const info of ENUMS.values()) {
    for (const entry of Object.keys(info.entries)) names.push(`${info.enumName}.${entry}`);
  }
  return names;
}

/**
 * Look a checkpoint up by its full name, e.g. `'VGG16_Weights.IMAGENET1K_V1'` or
 * `'VGG16_Weights.DEFAULT'` (like torchvision's `get_weight`).
 */
export function getWeight(name: string): Weights {
  const parts = name.split('.');
  const info = parts.length === 2 ? ENUMS.get(parts[0]) : undefined;
  const w = info && Object.hasOwn(info.entries, parts[1]) ? info.entries[parts[1]] : undefined;
  if (w) return w;
  let reason: string;
  if (parts.length !== 2) reason = 'expected "<Enum>.<ENTRY>"';
  else if (!info) reason = `unknown weights enum "${parts[0]}"`;
  else reason = `"${parts[0]}" has no entry "${parts[1]}"`;
  throw new ArgumentError(`Invalid weight name "${name}" (${reason}). Valid names: ${listWeightNames().join(', ')}.`);
}

/** The enum-like object (entries and aliases) for an architecture such as `'vgg16'`, or undefined. */
export function weightsForArch(arch: string): WeightsEnum | undefined {
  return ENUM_BY_ARCH.get(arch)?.entries;
}

/**
 * Turn a user's `weights` argument into a Weights (or null), like torchvision's
 * `WeightsEnum.verify`: `null`/`undefined` → null; an entry name such as `'DEFAULT'` or
 * `'IMAGENET1K_V1'`, or a full name such as `'VGG16_Weights.IMAGENET1K_V1'`; or a Weights
 * object. The result must belong to `arch`, otherwise an ArgumentError is thrown.
 */
export function resolveWeights(arch: string, spec: string | Weights | null | undefined): Weights | null {
  if (spec === null || spec === undefined) return null;
  const info = ENUM_BY_ARCH.get(arch);
  if (!info) {
    throw new ArgumentError(
      `No pretrained weights are known for architecture "${arch}". Architectures with weights: ${WEIGHTS_ARCHS.join(', ')}.`,
    );
  }
  if (spec instanceof Weights) {
    if (spec.arch !== arch) {
      throw new ArgumentError(
        `Weights ${spec.name} belong to ${spec.arch}, not ${arch}; expected one of ${entryList(info)}.`,
      );
    }
    return spec;
  }
  if (typeof spec !== 'string') {
    throw new ArgumentError(
      `Invalid weights for ${arch}: expected a string, a Weights object or null, got ${typeof spec}.`,
    );
  }
  if (spec.includes('.')) {
    const w = getWeight(spec);
    if (w.arch !== arch) {
      throw new ArgumentError(
        `Weights ${w.name} belong to ${w.arch}, not ${arch}; expected one of ${entryList(info)}.`,
      );
    }
    return w;
  }
  if (Object.hasOwn(info.entries, spec)) return info.entries[spec];
  throw new ArgumentError(`Unknown weights "${spec}" for ${arch}; expected one of ${entryList(info)}.`);
}

function entryList(info: EnumInfo): string {
  return Object.keys(info.entries)
    .map((e) => `${info.enumName}.${e}`)
    .join(', ');
}

/** torchvision's rule: with pretrained weights, numClasses comes from the weights' categories. */
export function classesForWeights(w: Weights, requested: number | undefined): number | undefined {
  const n = w.numClasses;
  if (n === null) return requested;
  if (requested !== undefined && requested !== n) {
    throw new ArgumentError(
      `${w.name} has ${n} classes but numClasses ${requested} was requested; load the weights, then replace classifier.6`,
    );
  }
  return n;
}
