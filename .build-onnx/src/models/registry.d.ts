import type { LoadStateDictOptions } from '../io/hub.js';
import { type VGG, type VggBuilderOptions } from './vgg.js';
export declare function listModels(): string[];
export interface GetModelOptions extends VggBuilderOptions, Pick<LoadStateDictOptions, 'progress' | 'offline'> {
}
/** Builds a model by name; pretrained weights are downloaded into the torch.hub cache first when missing. */
export declare function getModel(name: string, opts?: GetModelOptions): Promise<VGG>;
