/** The worker-thread inference pool: same answers as in-process classify, and the event loop stays responsive. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InferencePool, loadModel, classify, imageClassification, ArgumentError } from '../../src/index.js';
import { fixturePath } from '../helpers/paths.js';

const modelFile = fixturePath('models', 'tiny.safetensors');
const images = Array.from({ length: 12 }, (_, i) =>
  fixturePath('images', ['huge.jpg', 'landscape.jpg', 'portrait.png'][i % 3]),
);

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
});
