/**
 * The worker-thread inference pool: same answers as in-process classify, the
 * event loop stays responsive, every request settles (a model that cannot
 * load, close() with requests queued), an idle pool lets the process exit,
 * and workers × addon threads stay within the cores.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InferencePool,
  InferencePoolError,
  loadModel,
  classify,
  imageClassification,
  ArgumentError,
} from '../../src/index.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';

const modelFile = fixturePath('models', 'tiny.safetensors');
const images = Array.from({ length: 12 }, (_, i) =>
  fixturePath('images', ['huge.jpg', 'landscape.jpg', 'portrait.png'][i % 3]),
);

/** The promise's outcome, or 'pending' if it has not settled within `ms` (a hang, in these tests). */
async function settledWithin<T>(p: Promise<T>, ms = 10_000): Promise<PromiseSettledResult<T> | 'pending'> {
  const timer = sleep(ms, 'pending' as const, { ref: false });
  return Promise.race([Promise.allSettled([p]).then(([r]) => r), timer]);
}

/** Runs `work` while a 5 ms interval timer records the longest gap between its ticks. */
async function maxTimerDelay(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return worst;
}

describe('InferencePool', () => {
  it('gives the same answers as in-process classify, with a bounded queue', async () => {
    const pool = new InferencePool({ modelFile });
    try {
      const { model, categories, transforms } = await loadModel(modelFile);
      const direct = await classify(model, images.slice(0, 3), {
        transform: imageClassification(transforms!),
        categories,
        topk: 2,
      });
      const [a, b] = await Promise.all([
        pool.classify(images.slice(0, 3), { topk: 2 }),
        pool.classify(images.slice(0, 3), { topk: 2 }),
      ]);
      for (const r of [a, b]) {
        r.forEach((res, i) => {
          assert.equal(res.top[0].index, direct[i].top[0].index);
          assert.ok(Math.abs(res.top[0].prob - direct[i].top[0].prob) < 1e-6);
        });
      }
      const third = pool.classify(images.slice(0, 1));
      const fourth = pool.classify(images.slice(0, 1));
      assert.ok(pool.queued >= 1, 'with one worker, the second waiting request is queued');
      await Promise.all([third, fourth]);
    } finally {
      await pool.close();
    }
    await assert.rejects(pool.classify(images), ArgumentError);
  });

  it('keeps the event loop responsive while a batch runs, unlike running it in-process', async () => {
    const { model, categories, transforms } = await loadModel(modelFile);
    const inProcess = await maxTimerDelay(() =>
      classify(model, images, { transform: imageClassification(transforms!), categories, batchSize: 12 }),
    );
    const pool = new InferencePool({ modelFile });
    try {
      await pool.classify(images.slice(0, 1));
      const offThread = await maxTimerDelay(() => pool.classify(images, { batchSize: 12 }));
      assert.ok(
        offThread < inProcess / 2,
        `timer delay off-thread ${offThread.toFixed(1)} ms vs in-process ${inProcess.toFixed(1)} ms`,
      );
      assert.ok(offThread < 100, `timer delay off-thread ${offThread.toFixed(1)} ms`);
    } finally {
      await pool.close();
    }
  });

  it('a model file that cannot load rejects every request, also those made after the workers gave up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-pool-'));
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, 'not a safetensors file at all');
    const pool = new InferencePool({ modelFile: corrupt, workers: 2 });
    try {
      await sleep(1500); // long enough for both workers to have failed to load it
      for (const outcome of await Promise.all([0, 1, 2].map(() => settledWithin(pool.classify(images.slice(0, 1)))))) {
        assert.notEqual(outcome, 'pending', 'a request never settled');
        assert.equal((outcome as PromiseRejectedResult).status, 'rejected');
        assert.ok((outcome as PromiseRejectedResult).reason instanceof InferencePoolError);
        assert.match(String((outcome as PromiseRejectedResult).reason), /corrupt\.safetensors|safetensors/);
      }
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker that dies rejects the request it was running, and with none left, every later one', async () => {
    const pool = new InferencePool({ modelFile });
    const running = settledWithin(pool.classify(images.slice(0, 1)));
    const queued = settledWithin(pool.classify(images.slice(1, 2)));
    // What an out-of-memory kill or a crash in native code does to a worker, from the pool's side.
    const [worker] = pool['workers'];
    await worker.terminate();
    for (const outcome of [await running, await queued, await settledWithin(pool.classify(images.slice(0, 1)))]) {
      assert.notEqual(outcome, 'pending', 'a request never settled');
      assert.match(String((outcome as PromiseRejectedResult).reason), /an inference worker exited/);
    }
    await pool.close();
  });

  it('close() rejects every queued request', async () => {
    const pool = new InferencePool({ modelFile });
    const requests = [0, 1, 2, 3].map((_, i) => settledWithin(pool.classify(images.slice(i, i + 1))));
    await pool.close();
    const outcomes = await Promise.all(requests);
    assert.ok(!outcomes.includes('pending'), 'a request never settled after close()');
    for (const o of outcomes.slice(1)) {
      assert.equal((o as PromiseSettledResult<unknown>).status, 'rejected');
      assert.match(String((o as PromiseRejectedResult).reason), /the inference pool was closed/);
    }
    await assert.rejects(pool.classify(images), /the inference pool is closed/);
  });

  it('an idle pool does not keep the process alive', () => {
    const script = `
      import { InferencePool } from ${JSON.stringify(join(repoRoot, 'dist', 'src', 'index.js'))};
      const pool = new InferencePool({ modelFile: ${JSON.stringify(modelFile)} });
      const [r] = await pool.classify([${JSON.stringify(images[1])}]);
      console.log(r.top[0].label);
    `;
    const dir = mkdtempSync(join(tmpdir(), 'vgg-pool-'));
    try {
      writeFileSync(join(dir, 'forgets-close.mjs'), script);
      const r = spawnSync(process.execPath, [join(dir, 'forgets-close.mjs')], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.signal, null, 'the process did not exit by itself: the idle pool kept it alive');
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.trim().length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('by default, workers × addon threads per worker stay within the cores', async () => {
    const cores = availableParallelism();
    const env = process.env.VGG_NUM_THREADS;
    delete process.env.VGG_NUM_THREADS;
    try {
      for (const workers of [1, 2, cores + 1]) {
        const pool = new InferencePool({ modelFile, workers });
        assert.equal(pool.threadsPerWorker, Math.max(1, Math.floor(cores / workers)));
        assert.ok(workers * pool.threadsPerWorker <= Math.max(cores, workers));
        await pool.close();
      }
    } finally {
      if (env !== undefined) process.env.VGG_NUM_THREADS = env;
    }
  });
});
