/** Option parsers shared by the CLI commands; each throws commander's InvalidArgumentError with the reason. */
import { InvalidArgumentError } from 'commander';
import type { VggConfig } from '../models/vgg.js';

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/** '64,M,128,M' -> [64, 'M', 128, 'M']. */
export function parseCfg(value: string): VggConfig {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new InvalidArgumentError(`empty entry in --cfg "${value}"`);
  return items.map((s) => {
    if (s.toUpperCase() === 'M') return 'M' as const;
    if (!/^\d+$/.test(s) || Number(s) < 1)
      throw new InvalidArgumentError(`--cfg entries must be positive integers or M, got "${s}"`);
    return Number(s);
  });
}

/** '3x224x224' -> [3, 224, 224]. */
export function parseInputShape(value: string): [number, number, number] {
  const parts = value.toLowerCase().split('x');
  if (parts.length !== 3) throw new InvalidArgumentError(`expected CxHxW such as 3x224x224, got "${value}"`);
  const [c, h, w] = parts.map(parsePositiveInt);
  return [c, h, w];
}
