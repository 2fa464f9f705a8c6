import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { createByteProgress, formatBytes } from '../../../src/io/hub-progress.js';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('formatBytes', () => {
  it('uses binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(553433881), '527.8 MiB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
    assert.equal(formatBytes(NaN), '? B');
  });
});

describe('createByteProgress', () => {
  it('writes nothing when disabled', () => {
    const s = new Capture(true);
    const bar = createByteProgress({ enabled: false, total: 100, label: 'f', stream: s });
    bar.update(50);
    bar.stop(100);
    assert.equal(s.text, '');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const s = new Capture(false);
    const bar = createByteProgress({ enabled: true, total: 100, label: 'f', stream: s });
    bar.update(50);
    bar.stop(100);
    assert.equal(s.text, '');
  });

  it('draws bytes done/total on a terminal', () => {
    const s = new Capture(true);
    const bar = createByteProgress({ enabled: true, total: 2048, label: 'weights.pth', stream: s, intervalMs: 0 });
    bar.update(1024);
    bar.stop(2048);
    assert.match(s.text, /weights\.pth/);
    assert.match(s.text, /2\.0 KiB\/2\.0 KiB/);
    assert.match(s.text, /100%/);
    assert.match(s.text, /\/s/);
  });

  it('copes with an unknown total', () => {
    const s = new Capture(true);
    const bar = createByteProgress({ enabled: true, total: null, label: 'x', stream: s, intervalMs: 0 });
    bar.update(4096);
    bar.stop(4096);
    assert.match(s.text, /4\.0 KiB/);
  });
});
