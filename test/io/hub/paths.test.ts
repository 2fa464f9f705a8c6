import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';

import {
  checkpointsDir,
  fileNameFromUrl,
  hashPrefixFromFileName,
  hubDir,
  offlineFromEnv,
  torchHome,
} from '../../../src/io/hub.js';
import { saveEnv } from '../../helpers/http.js';

describe('cache locations follow torch.hub', () => {
  let restore = saveEnv();
  afterEach(() => {
    restore();
    restore = saveEnv();
  });

  it('uses $TORCH_HOME/hub when TORCH_HOME is set', () => {
    process.env.TORCH_HOME = '/some/torch-home';
    process.env.XDG_CACHE_HOME = '/ignored/xdg';
    assert.equal(torchHome(), '/some/torch-home');
    assert.equal(hubDir(), '/some/torch-home/hub');
    assert.equal(checkpointsDir(), '/some/torch-home/hub/checkpoints');
  });

  it('falls back to $XDG_CACHE_HOME/torch', () => {
    delete process.env.TORCH_HOME;
    process.env.XDG_CACHE_HOME = '/xdg/cache';
    assert.equal(hubDir(), '/xdg/cache/torch/hub');
    assert.equal(checkpointsDir(), '/xdg/cache/torch/hub/checkpoints');
  });

  it('defaults to ~/.cache/torch/hub', () => {
    delete process.env.TORCH_HOME;
    delete process.env.XDG_CACHE_HOME;
    assert.equal(hubDir(), path.join(os.homedir(), '.cache', 'torch', 'hub'));
  });

  it('expands a leading ~ like os.path.expanduser', () => {
    process.env.TORCH_HOME = '~/th';
    assert.equal(hubDir(), path.join(os.homedir(), 'th', 'hub'));
    delete process.env.TORCH_HOME;
    process.env.XDG_CACHE_HOME = '~/xc';
    assert.equal(hubDir(), path.join(os.homedir(), 'xc', 'torch', 'hub'));
  });

  it('treats empty variables as unset', () => {
    process.env.TORCH_HOME = '';
    process.env.XDG_CACHE_HOME = '/x';
    assert.equal(hubDir(), '/x/torch/hub');
  });
});

describe('hash prefix in file names (torch HASH_REGEX)', () => {
  it('extracts the hex part before the extension', () => {
    assert.equal(hashPrefixFromFileName('vgg16-397923af.pth'), '397923af');
    assert.equal(hashPrefixFromFileName('vgg11_bn-6002323d.pth'), '6002323d');
    assert.equal(hashPrefixFromFileName('vgg16_features-amdegroot-88682ab5.pth'), '88682ab5');
  });

  it('returns null when there is no -<hex>. part', () => {
    assert.equal(hashPrefixFromFileName('model.pth'), null);
    assert.equal(hashPrefixFromFileName('model-XYZ.pth'), null);
    assert.equal(hashPrefixFromFileName('model-abc'), null);
  });
});

describe('fileNameFromUrl', () => {
  it('takes the last path segment, ignoring query and fragment', () => {
    assert.equal(fileNameFromUrl('https://download.pytorch.org/models/vgg16-397923af.pth'), 'vgg16-397923af.pth');
    assert.equal(fileNameFromUrl('http://127.0.0.1:1/a/b/c-0123.pth?x=1#y'), 'c-0123.pth');
  });

  it('rejects URLs without a file name', () => {
    assert.throws(() => fileNameFromUrl('http://127.0.0.1:1/dir/'), /file name/);
    assert.throws(() => fileNameFromUrl('not a url'), /valid URL/);
  });
});

describe('VGG_OFFLINE', () => {
  const restore = saveEnv();
  afterEach(restore);

  it('accepts the usual true-ish spellings only', () => {
    for (const v of ['1', 'true', 'TRUE', 'yes', 'on']) {
      process.env.VGG_OFFLINE = v;
      assert.equal(offlineFromEnv(), true, v);
    }
    for (const v of ['0', '', 'false', 'no']) {
      process.env.VGG_OFFLINE = v;
      assert.equal(offlineFromEnv(), false, v);
    }
    delete process.env.VGG_OFFLINE;
    assert.equal(offlineFromEnv(), false);
  });
});
