/** Pretrained weights in Node: the torch.hub cache on disk, filled by an HTTP download. */
export { loadCachedWeights } from '../../models/pretrained.js';
export { loadStateDictFromUrl as downloadWeights } from '../../io/hub.js';
