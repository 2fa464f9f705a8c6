/** One error root: every error class the package exports is a VggError, so `instanceof VggError` tells expected failures from bugs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vgg from '../src/index.js';
import * as browser from '../src/browser/index.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Every exported class that extends Error, with its export path ('nn.X' inside namespaces). */
function exportedErrorClasses(exports: Record<string, unknown>, prefix = ''): [string, ErrorClass][] {
  const found: [string, ErrorClass][] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === 'function' && value.prototype instanceof Error)
      found.push([prefix + name, value as ErrorClass]);
    // Namespaces (nn, optim) are module objects without a prototype chain of their own.
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === null)
      found.push(...exportedErrorClasses(value as Record<string, unknown>, `${prefix}${name}.`));
  }
  return found;
}

describe('VggError', () => {
  it('is the root of every exported error class', () => {
    const classes = exportedErrorClasses(vgg as unknown as Record<string, unknown>);
    const names = classes.map(([n]) => n);
    // The walk must reach the classes it is about, or the check below proves nothing.
    for (const expected of ['ShapeError', 'CheckpointError', 'ImageTooSmallError', 'HashMismatchError', 'TarError'])
      assert.ok(names.includes(expected), `${expected} not found among ${names.join(', ')}`);
    assert.ok(classes.length >= 20, `only ${classes.length} error classes found`);
    for (const [name, cls] of classes) {
      assert.ok(cls === vgg.VggError || cls.prototype instanceof vgg.VggError, `${name} does not extend VggError`);
    }
  });

  it('is the root of every error class the browser entry exports, and is exported there', () => {
    // The browser entry's edges resolve to Node's (#platform) here: the classes are the same modules either way.
    const classes = exportedErrorClasses(browser as unknown as Record<string, unknown>);
    const names = classes.map(([n]) => n);
    for (const expected of ['VggError', 'ImageDecodeError', 'HttpStatusError', 'WorkerTaskError', 'CheckpointError'])
      assert.ok(names.includes(expected), `${expected} not found among ${names.join(', ')}`);
    assert.equal(browser.VggError, vgg.VggError);
    for (const [name, cls] of classes) {
      assert.ok(cls === vgg.VggError || cls.prototype instanceof vgg.VggError, `${name} does not extend VggError`);
    }
  });

  it('keeps each class its own name and instanceof chain', () => {
    const e = new vgg.ForbiddenGlobalError('os.system');
    assert.ok(e instanceof vgg.PickleError && e instanceof vgg.CheckpointError && e instanceof vgg.VggError);
    assert.equal(e.name, 'ForbiddenGlobalError');
    assert.equal(new vgg.VggError('x').name, 'VggError');
  });

  it('bad input to the writers and the generator is typed too', () => {
    const bad = new Map([['w', { dtype: 'float7' as vgg.DType, shape: [1], data: new Uint8Array(1) }]]);
    assert.throws(() => vgg.encodeRawSafetensors(bad), vgg.ArgumentError);
    assert.throws(() => vgg.encodeRawPth(bad), vgg.ArgumentError);
    assert.throws(() => new vgg.Generator(0).randint(0), vgg.ArgumentError);
  });
});
