/**
 * What a bundler sees of the browser loader: each build's default URL (new URL(…, import.meta.url) in
 * load-browser.ts) names a file the package has, the same file the package export `vgg-ts/wasm/<file>`
 * gives, and the pool's worker script is exported too. Runs in Node; the loader itself runs in
 * test/e2e/browser/wasm-backend.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wasmBuildName, type WasmSimdLevel } from '../../../src/backend/wasm/features.js';
import { packagedWasmUrl, WasmFetchError } from '../../../src/backend/wasm/load-browser.js';

describe('wasm builds as package files for browsers', () => {
  for (const level of ['relaxed', 'simd', 'scalar'] as WasmSimdLevel[]) {
    for (const threads of [false, true]) {
      const name = wasmBuildName(level, threads);
      it(`${name}: the loader's default URL is the file exported as vgg-ts/wasm/${name}`, () => {
        const file = fileURLToPath(packagedWasmUrl(name));
        assert.ok(existsSync(file), `${file} missing (npm run build:wasm)`);
        assert.equal(fileURLToPath(import.meta.resolve(`vgg-ts/wasm/${name}`)), file);
      });
    }
  }

  it("exports the pool's worker script as vgg-ts/wasm/worker-web.js", () => {
    assert.ok(existsSync(fileURLToPath(import.meta.resolve('vgg-ts/wasm/worker-web.js'))));
  });

  it('names the builds it knows when asked for another', () => {
    assert.throws(() => packagedWasmUrl('vgg-avx.wasm'), WasmFetchError);
    assert.throws(() => packagedWasmUrl('vgg-avx.wasm'), /vgg-relaxed-mt\.wasm/);
  });
});
