/** Finding this package's folder on disk, for files it ships (the native addon, embedded models). */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const PACKAGE_NAME = 'vgg-ts';

function readPackageName(dir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (parsed && typeof parsed === 'object' && 'name' in parsed && typeof parsed.name === 'string') return parsed.name;
    return '';
  } catch {
    return null;
  }
}

/**
 * Walks up from `start` to the folder whose package.json names this package
 * (or, failing that, the first folder holding any package.json).
 */
export function findPackageRoot(start: string): string | null {
  let dir = resolve(start);
  let firstWithPackage: string | null = null;
  for (;;) {
    const name = readPackageName(dir);
    if (name !== null) {
      if (name === PACKAGE_NAME) return dir;
      firstWithPackage ??= dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return firstWithPackage;
    dir = parent;
  }
}

/** This package's version, from the package.json found above `start` ('unknown' when none is). */
export function packageVersion(start: string): string {
  const root = findPackageRoot(start);
  if (!root) return 'unknown';
  const parsed: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return parsed && typeof parsed === 'object' && 'version' in parsed ? String(parsed.version) : 'unknown';
}
