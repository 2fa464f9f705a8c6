/** How the CLI words an error (src/cli/errors.ts): expected ones in one line, bugs with their stack. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, reportError } from '../../src/cli/errors.js';
import { DownloadError, StateDictError } from '../../src/index.js';

/** What `run` writes to stderr. */
function stderrOf(run: () => void): string[] {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => written.push(s) > 0) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return written;
}

describe('reportError', () => {
  it('the environment (ENOSPC from any write, no path) is one line; a bug keeps its stack and exit code 70', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
    const written = stderrOf(() => {
      assert.equal(reportError(enospc), 2);
      assert.equal(reportError(new TypeError('x.y is not a function')), 70);
    });
    assert.equal(written[0], 'vgg: ENOSPC: no space left on device, write\n');
    assert.match(written[1], /a bug.*\nTypeError: x\.y is not a function\n\s+at /);
  });

  it('a failed download says what it tried, why, and what works offline', () => {
    const url = 'https://download.pytorch.org/models/vgg16-397923af.pth';
    const text = describeError(
      new DownloadError('NETWORK', url, `Download of ${url} failed: getaddrinfo ENOTFOUND download.pytorch.org.`),
    );
    assert.match(text!, /vgg16-397923af\.pth failed: getaddrinfo ENOTFOUND.*--model fashion_vgg/);
  });

  it('a StateDictError from a file names the file once, then its keys', () => {
    const e = new StateDictError(['a', 'b', 'c', 'd', 'e', 'f'], [], [], 'VGG').inFile('w.pth');
    assert.match(e.message, /^w\.pth: Error\(s\) in loading state_dict for VGG:/);
    assert.equal(
      describeError(e),
      'w.pth does not fit the VGG built here (6 missing); ' +
        'was it saved from another architecture or number of classes (--model, --num-classes)?\n' +
        '  missing: a, b, c, d, … and 2 more',
    );
  });
});
