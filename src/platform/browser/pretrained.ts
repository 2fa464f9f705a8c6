/**
 * A browser has no torch.hub cache that a synchronous builder could read: pretrained weights are
 * fetched (and kept in the Cache API) by `loadCheckpoint(weights.url)` from the browser entry.
 */
import type * as node from '../node/pretrained.js';
import { ArgumentError } from '../../errors.js';

const hint = (name: string): string =>
  `${name} cannot be read from a disk cache in a browser: build the model without weights and ` +
  '`model.loadStateDict(await loadCheckpoint(weights.url))` (vgg-ts/browser)';

export const loadCachedWeights: typeof node.loadCachedWeights = (_model, w) => {
  throw new ArgumentError(hint(w.name));
};

export const downloadWeights: typeof node.downloadWeights = (url) => Promise.reject(new ArgumentError(hint(url)));
