/**
 * A run killed with SIGKILL at every step of every save (after each write and
 * each rename; VGG_CRASH_AT picks the step) resumes to exactly the weights of
 * an uninterrupted run, and the resume leaves no temporaries or stale
 * checkpoint files behind.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { tinyTrainer } from './tiny-run.js';

const child = join(repoRoot, 'dist', 'test', 'train', 'tiny-run-child.js');

/** Runs the tiny run in a child killed at crash point k; resolves to the signal that ended it (null: it finished). */
async function runKilledAt(outDir: string, k: number): Promise<NodeJS.Signals | null> {
  const p = spawn(process.execPath, [child, outDir], {
    env: { ...process.env, VGG_CRASH_AT: String(k) },
    stdio: 'ignore',
  });
  const [code, signal] = (await once(p, 'exit')) as [number | null, NodeJS.Signals | null];
  if (signal === null) assert.equal(code, 0, `crash point ${k}: the child failed`);
  return signal;
}

let root = '';

describe('a training run killed during a save', () => {
  before(() => (root = mkdtempSync(join(tmpdir(), 'vgg-crash-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resumes to the weights of an uninterrupted run from every crash point, leaving no stale files', async () => {
    const whole = await tinyTrainer(join(root, 'whole')).run();
    const expected = whole.model.stateDict();
    let points = 0;
    for (let k = 1; ; k++) {
      const out = join(root, `k${k}`);
      const signal = await runKilledAt(out, k);
      if (signal === null) break;
      assert.equal(signal, 'SIGKILL');
      points++;
      let resumed;
      if (existsSync(join(out, 'state.json'))) {
        resumed = await tinyTrainer(out, { resume: true }).run();
      } else {
        // Killed before the first commit: nothing to resume, and saying so is the right answer.
        await assert.rejects(tinyTrainer(out, { resume: true }).run(), /holds no saved training state to resume/);
        resumed = await tinyTrainer(out, { overwrite: true }).run();
      }
      assert.equal(resumed.status, 'finished');
      for (const [key, t] of resumed.model.stateDict())
        assert.deepEqual(t.data, expected.get(key)!.data, `crash point ${k}: ${key}`);
      const leftovers = readdirSync(out).filter((f) => f.includes('.tmp-'));
      assert.deepEqual(leftovers, [], `crash point ${k}: temporaries left`);
      assert.deepEqual(readdirSync(join(out, 'checkpoint')).sort(), [
        'optimizer-2.safetensors',
        'weights-2.safetensors',
      ]);
      rmSync(out, { recursive: true });
    }
    // Two saves (one per epoch), each: weights, optimizer, state.json, metrics.csv, metrics.json and chart.html
    // (write + rename each), last.safetensors (link + rename), clean-up; and the best model (write + rename) when
    // the accuracy improved.
    assert.ok(points >= 30, `${points} crash points`);
  });
});
