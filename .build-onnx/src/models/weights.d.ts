/**
 * Registry of the pretrained VGG weights published by torchvision, mirroring the
 * `VGG11_Weights` … `VGG19_BN_Weights` enums of torchvision 0.14 (`models/vgg.py`).
 *
 * Everything here is data: one table (`TABLE`) describes the nine checkpoints and
 * the enum-like objects, lookups and `DEFAULT` aliases are derived from it. GFLOPS and
 * file sizes are not in torchvision 0.14; they are the values later torchvision
 * releases publish for the very same files.
 */
import { type LoadStateDictOptions } from '../io/hub.js';
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
export declare class Weights {
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
    });
    /** Number of output classes the checkpoint's classifier has, or `null` if it has no usable one. */
    get numClasses(): number | null;
    /**
     * Path of the checkpoint in the torch.hub cache, downloading it first (hash-checked)
     * when it is not there yet. See `loadStateDictFromUrl` for the options.
     */
    download(opts?: Omit<LoadStateDictOptions, 'fileName'>): Promise<string>;
    toString(): string;
    toJSON(): string;
}
/** An enum-like object: entry name (and aliases like `DEFAULT`) → Weights. */
export type WeightsEnum = Readonly<Record<string, Weights>>;
export declare const VGG11_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG11_BN_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG13_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG13_BN_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG16_Weights: Readonly<Record<"IMAGENET1K_V1" | "IMAGENET1K_FEATURES" | "DEFAULT", Weights>>;
export declare const VGG16_BN_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG19_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
export declare const VGG19_BN_Weights: Readonly<Record<"IMAGENET1K_V1" | "DEFAULT", Weights>>;
/** All nine distinct checkpoints (aliases not repeated), in table order. */
export declare const ALL_WEIGHTS: readonly Weights[];
/** The architectures that have pretrained weights: `vgg11`, `vgg11_bn`, … `vgg19_bn`. */
export declare const WEIGHTS_ARCHS: readonly string[];
/** Every valid full name, aliases included, e.g. `VGG16_Weights.DEFAULT`. */
export declare function listWeightNames(): string[];
/**
 * Look a checkpoint up by its full name, e.g. `'VGG16_Weights.IMAGENET1K_V1'` or
 * `'VGG16_Weights.DEFAULT'` (like torchvision's `get_weight`).
 */
export declare function getWeight(name: string): Weights;
/** The enum-like object (entries and aliases) for an architecture such as `'vgg16'`, or undefined. */
export declare function weightsForArch(arch: string): WeightsEnum | undefined;
/**
 * Turn a user's `weights` argument into a Weights (or null), like torchvision's
 * `WeightsEnum.verify`: `null`/`undefined` → null; an entry name such as `'DEFAULT'` or
 * `'IMAGENET1K_V1'`, or a full name such as `'VGG16_Weights.IMAGENET1K_V1'`; or a Weights
 * object. The result must belong to `arch`, otherwise an ArgumentError is thrown.
 */
export declare function resolveWeights(arch: string, spec: string | Weights | null | undefined): Weights | null;
