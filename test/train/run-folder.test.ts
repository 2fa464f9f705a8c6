/**
 * The run folder and stopping: a folder that cannot be written or fills up
 * fails with one clear RunFolderError (before any training when it can tell),
 * a folder holding a run is refused unless resuming or overwriting, a run that
 * fails to start leaves no folder behind, and a stop request (Ctrl-C) is
 * honoured within one batch even when every batch comes from memory.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { RunFolderError } from '../../src/train/run-folder.js';
import { handleInterrupts } from '../../src/cli/train.js';
import { tinyTrainer } from './tiny-run.js';

let root = '';

/** Mounts a tmpfs at `dir` (root only, where mounting is allowed); false when it cannot. */
function mountTmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
}

const canMount = process.getuid?.() === 0 && mountTmpfs(join(tmpdir(), `vgg-mount-probe-${process.pid}`), 'size=4k');
if (canMount) {
  spawnSync('umount', [join(tmpdir(), `vgg-mount-probe-${process.pid}`)]);
  rmSync(join(tmpdir(), `vgg-mount-probe-${process.pid}`), { recursive: true });
}
const noMount = canMount ? false : 'needs root and permission to mount a tmpfs';

describe('training run folder', () => {
  const mounts: string[] = [];
  before(() => (root = mkdtempSync(join(tmpdir(), 'vgg-run-folder-'))));
  after(() => {
    for (const m of mounts) spawnSync('umount', [m]);
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a folder that holds a run unless resuming or overwriting', async () => {
    const out = join(root, 'existing');
    assert.equal((await tinyTrainer(out, { epochs: 1 }).run()).status, 'finished');
    await assert.rejects(
      tinyTrainer(out).run(),
      (e: unknown) =>
        e instanceof ArgumentError &&
        /existing already holds a training run \(state\.json, checkpoint, .*\); continue it with --resume or replace it with --overwrite/.test(
          e.message,
        ),
    );
    await assert.rejects(tinyTrainer(out, { resume: true, overwrite: true }).run(), /choose one/);
    assert.equal((await tinyTrainer(out, { overwrite: true }).run()).status, 'finished');
  });

  it('a run that fails to start leaves no folder it created', async () => {
    const out = join(root, 'a', 'b', 'run');
    await assert.rejects(tinyTrainer(out, { architecture: tooSmall() }).run(), /too small/);
    assert.ok(!existsSync(join(root, 'a')), 'the folders it created are gone');
  });

  it('a read-only file system fails before any training, in one line', { skip: noMount }, async () => {
    const ro = join(root, 'ro');
    assert.ok(mountTmpfs(ro, 'ro,size=64k'));
    mounts.push(ro);
    let progressed = false;
    await assert.rejects(
      tinyTrainer(join(ro, 'runs', 'a'), { onProgress: () => (progressed = true) }).run(),
      (e: unknown) =>
        e instanceof RunFolderError &&
        e.message === `cannot write to the run folder ${join(ro, 'runs', 'a')}: the file system is read-only (EROFS)`,
    );
    assert.equal(progressed, false, 'no batch was trained');
  });

  it('a full disk ends the run with one clear error and no temporaries', { skip: noMount }, async () => {
    const full = join(root, 'full');
    assert.ok(mountTmpfs(full, 'size=8k'));
    mounts.push(full);
    await assert.rejects(
      tinyTrainer(full).run(),
      (e: unknown) =>
        e instanceof RunFolderError &&
        /^cannot write to the run folder .*full: no space left on the device \(ENOSPC\)$/.test(e.message),
    );
    const left = readdirSync(full, { recursive: true }).map(String);
    assert.deepEqual(
      left.filter((f) => f.includes('.tmp-')),
      [],
    );
  });

  it('a stop request (Ctrl-C) is honoured within one batch on an in-memory dataset', async () => {
    const out = join(root, 'sigint');
    let stopAt = 0;
    const trainer = tinyTrainer(
      out,
      {
        epochs: 1,
        onProgress: (p) => {
          if (p.step === 3) {
            stopAt = p.step;
            process.kill(process.pid, 'SIGINT');
          }
        },
      },
      160,
    );
    const exits: number[] = [];
    const remove = handleInterrupts(trainer, (code) => exits.push(code));
    let result;
    try {
      result = await trainer.run();
    } finally {
      remove();
    }
    assert.equal(result.status, 'stopped');
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { epoch: number; stepInEpoch: number };
    assert.equal(state.epoch, 1, 'stopped in the epoch where Ctrl-C came (20 batches)');
    assert.ok(state.stepInEpoch - stopAt <= 1, `Ctrl-C after batch ${stopAt}, stopped after ${state.stepInEpoch}`);
    assert.deepEqual(exits, []);
  });

  it('a second Ctrl-C exits at once (code 130) without waiting for the save', () => {
    const stops: string[] = [];
    const exits: number[] = [];
    const remove = handleInterrupts({ stop: () => stops.push('stop') }, (code) => exits.push(code));
    try {
      process.emit('SIGINT');
      assert.deepEqual([stops, exits], [['stop'], []]);
      process.emit('SIGINT');
      assert.deepEqual([stops, exits], [['stop'], [130]]);
    } finally {
      remove();
    }
  });
});

function tooSmall() {
  return {
    cfg: [4, 'M', 'M', 'M', 'M'] as (number | 'M')[],
    batchNorm: false,
    inChannels: 1,
    numClasses: 2,
    hiddenFeatures: 8,
    dropout: 0,
    poolSize: 2,
  };
}
