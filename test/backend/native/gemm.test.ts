/** Native SGEMM vs a float64 oracle, on every ISA the CPU supports. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addonOrSkip, forEachIsa, makeRng, naiveGemm, randInt, randomArray, relError } from '../../helpers/native.js';

const { addon, skip } = addonOrSkip('native/gemm.test');

interface Case {
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
}

// Edge sizes around the register tiles (4×8, 6×16, 14×32), cache blocks
// (K > 256, M > 168, N > 4096), the few-row path (M <= 8, N and K >= 16:
// fully connected layers at small batch) and random odd shapes.
function cases(): Case[] {
  const rng = makeRng(7);
  const out: Case[] = [
    { M: 1, N: 1, K: 1, alpha: 1, beta: 0 },
    { M: 5, N: 7, K: 3, alpha: 1, beta: 0 },
    { M: 6, N: 16, K: 9, alpha: 1, beta: 1 },
    { M: 14, N: 32, K: 17, alpha: 0.5, beta: -0.75 },
    { M: 13, N: 33, K: 257, alpha: 1, beta: 0 },
    { M: 37, N: 53, K: 71, alpha: -1.25, beta: 0.5 },
    { M: 181, N: 67, K: 300, alpha: 1, beta: 1 },
    { M: 3, N: 4133, K: 35, alpha: 1, beta: 0 },
    { M: 64, N: 3, K: 530, alpha: 2, beta: 0 },
    { M: 1, N: 4100, K: 300, alpha: 1, beta: 0 },
    { M: 8, N: 37, K: 1001, alpha: 0.5, beta: 1 },
    { M: 4, N: 2050, K: 17, alpha: 1, beta: -2 },
    { M: 7, N: 517, K: 64, alpha: -1, beta: 0 },
  ];
  for (let i = 0; i < 8; i++) {
    out.push({
      M: randInt(rng, 1, 90),
      N: randInt(rng, 1, 140),
      K: randInt(rng, 1, 400),
      alpha: i % 3 === 0 ? 1 : rng() * 4 - 2,
      beta: [0, 1, 0.3, -1.5][i % 4],
    });
  }
  return out;
}

describe('native gemm', { skip }, () => {
  test('all transposes, alpha/beta, odd sizes', () => {
    assert.ok(addon);
    const rng = makeRng(11);
    for (const c of cases()) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const A = randomArray(c.M * c.K, rng);
          const B = randomArray(c.K * c.N, rng);
          const C0 = randomArray(c.M * c.N, rng);
          // beta = 0 must not read C: poison it.
          if (c.beta === 0) C0.fill(Number.NaN);
          const want = naiveGemm(transA, transB, c.M, c.N, c.K, c.alpha, A, B, c.beta, C0);
          forEachIsa(addon, (isa) => {
            const C = C0.slice();
            addon.gemm(transA, transB, c.M, c.N, c.K, c.alpha, A, B, c.beta, C);
            const err = relError(C, want);
            assert.ok(err <= 1e-4, `${isa} M${c.M} N${c.N} K${c.K} tA${+transA} tB${+transB}: rel err ${err}`);
          });
        }
      }
    }
  });

  test('thread counts 1 and 3 give the same result as the default pool', () => {
    assert.ok(addon);
    const rng = makeRng(5);
    const [M, N, K] = [131, 517, 389];
    const A = randomArray(M * K, rng);
    const B = randomArray(K * N, rng);
    const want = naiveGemm(false, true, M, N, K, 1, A, B, 0, new Float32Array(M * N));
    const threads = addon.getNumThreads();
    try {
      for (const t of [1, 3]) {
        addon.setNumThreads(t);
        assert.equal(addon.getNumThreads(), t);
        forEachIsa(addon, (isa) => {
          const C = new Float32Array(M * N);
          addon.gemm(false, true, M, N, K, 1, A, B, 0, C);
          assert.ok(relError(C, want) <= 1e-4, `${isa} with ${t} threads`);
        });
      }
    } finally {
      addon.setNumThreads(threads);
    }
  });

  test('K = 0 and alpha = 0 scale C by beta', () => {
    assert.ok(addon);
    const C = Float32Array.of(1, 2, 3, 4, 5, 6);
    addon.gemm(false, false, 2, 3, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, C);
    assert.deepEqual([...C], [0.5, 1, 1.5, 2, 2.5, 3]);
    const A = Float32Array.of(Number.NaN, 1);
    addon.gemm(false, false, 2, 3, 1, 0, A, new Float32Array(3), 0, C);
    assert.deepEqual([...C], [0, 0, 0, 0, 0, 0]);
  });

  test('C overlapping an input is handled', () => {
    assert.ok(addon);
    const rng = makeRng(3);
    const A = randomArray(9, rng);
    const B = A.slice();
    const want = naiveGemm(false, false, 3, 3, 3, 1, A, B, 0, new Float32Array(9));
    addon.gemm(false, false, 3, 3, 3, 1, A, B, 0, A); // C is A
    assert.ok(relError(A, want) <= 1e-6);
  });

  test('rejects short or mistyped arrays', () => {
    assert.ok(addon);
    const f = (n: number) => new Float32Array(n);
    assert.throws(() => addon.gemm(false, false, 2, 2, 2, 1, f(3), f(4), 0, f(4)), RangeError);
    assert.throws(() => addon.gemm(false, false, 2, 2, 2, 1, f(4), f(4), 0, f(3)), RangeError);
    assert.throws(
      () => addon.gemm(false, false, 2, 2, 2, 1, new Float64Array(4) as unknown as Float32Array, f(4), 0, f(4)),
      TypeError,
    );
    assert.throws(() => addon.gemm(false, false, -1, 2, 2, 1, f(4), f(4), 0, f(4)), RangeError);
  });
});
