/** Checks for the size arguments of the transforms and augmentations (shared, not part of the public API). */
import { ArgumentError } from '../errors.js';

/** An int (the shorter side, or both sides for crops), `[n]` (the same) or `[height, width]`. */
export type ImageSize = number | readonly [number] | readonly [number, number];

export function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ArgumentError(`${what} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** `[n]` or `[h, w]` for a size argument (an int is `[n]`). */
export function sizeList(size: ImageSize, what: string): number[] {
  const list = typeof size === 'number' ? [size] : Array.isArray(size) ? [...size] : null;
  if (!list || list.length < 1 || list.length > 2) {
    throw new ArgumentError(`${what} size must be an int, [size] or [height, width], got ${JSON.stringify(size)}`);
  }
  return list.map((v, i) => positiveInt(v, `${what} size${list.length === 2 ? `[${i}]` : ''}`));
}

/** A crop's `[height, width]`: an int or `[n]` means a square. */
export function cropSize(size: ImageSize, what: string): [number, number] {
  const list = sizeList(size, what);
  return list.length === 1 ? [list[0], list[0]] : [list[0], list[1]];
}
