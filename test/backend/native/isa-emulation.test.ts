/**
 * Opt-in (VGG_TEST_ISA_EMULATION=1): compiles test/backend/native/cpp/isa_emulation.cc
 * with the kernel sources and runs it twice: with the AVX-512 kernels compiled
 * against SIMDe (so they are checked on CPUs without AVX-512) and as a
 * portable-only build (no x86 code, as on ARM). Needs g++ and the SIMDe
 * headers (Debian: libsimde-dev); about 40 s.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findPackageRoot } from '../../../src/package-root.js';

function skipReason(root: string | null): string | false {
  if (process.env.VGG_TEST_ISA_EMULATION !== '1') return 'set VGG_TEST_ISA_EMULATION=1 to run';
  if (!root || !existsSync(join(root, 'native', 'src'))) return 'native sources not found';
  if (spawnSync('g++', ['--version']).status !== 0) return 'g++ not found';
  if (!existsSync('/usr/include/simde/x86/avx512.h')) return 'SIMDe headers not found (libsimde-dev)';
  return false;
}

const root = findPackageRoot(process.cwd());
const skip = skipReason(root);

function buildAndRun(define: string, expect: RegExp): void {
  assert.ok(root);
  const src = join(root, 'native', 'src');
  const sources = readdirSync(src)
    // The Node-API files need node_api.h; the rest is plain C++.
    .filter((f) => f.endsWith('.cc') && f !== 'addon.cc' && f !== 'plan_napi.cc')
    .map((f) => join(src, f));
  const dir = mkdtempSync(join(tmpdir(), 'vgg-isa-'));
  try {
    const exe = join(dir, 'isa_emulation');
    execFileSync(
      'g++',
      [
        '-O2',
        '-std=c++17',
        '-pthread',
        '-ffp-contract=off',
        '-fno-tree-loop-distribute-patterns',
        '-w',
        `-D${define}`,
        `-I${src}`,
        join(root, 'test', 'backend', 'native', 'cpp', 'isa_emulation.cc'),
        ...sources,
        '-o',
        exe,
      ],
      { stdio: 'pipe' },
    );
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, expect);
    assert.match(run.stdout, /all ok/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every ISA path, AVX-512 emulated with SIMDe, vs float64 oracles', { skip, timeout: 600_000 }, () => {
  buildAndRun('VGG_SIMDE_AVX512', /avx512 threads 3 done/);
});

test('the portable-only build (no x86 code) vs float64 oracles', { skip, timeout: 600_000 }, () => {
  buildAndRun('VGG_PORTABLE_ONLY', /generic threads 3 done/);
});
