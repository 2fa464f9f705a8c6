/** The 1000 ImageNet-1K class names, indexed by class id, exactly as torchvision lists them. */
export declare const IMAGENET_CATEGORIES: readonly string[];
