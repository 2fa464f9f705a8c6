/** No backend registers itself in a browser: the browser entry registers wasm (once loaded), and ref is always there. */
import type * as node from '../node/backends.js';

export const platformBackends: typeof node.platformBackends = () => [];

export const reportFallback: typeof node.reportFallback = () => {};

export const nativeLoadError: typeof node.nativeLoadError = () => 'a browser has no native addon';
