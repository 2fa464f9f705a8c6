/**
 * The browser entry bundles for a browser: esbuild with platform 'browser' (so package.json's
 * `browser` conditions apply) must reach no Node built-in and no Node-only dependency.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { repoRoot } from '../helpers/paths.js';

const NODE_ONLY = new Set([...builtinModules, 'sharp', 'cli-progress', 'commander', 'onnxruntime-node']);

/** Records every import of a Node built-in or Node-only package, with the file that made it. */
function nodeImports(found: string[]): Plugin {
  return {
    name: 'node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '');
        const pkg = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0];
        if (args.path.startsWith('node:') || NODE_ONLY.has(pkg)) {
          found.push(`${args.path} (from ${args.importer.slice(repoRoot.length + 1)})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundle(entry: string | { contents: string }): Promise<{ nodeImports: string[]; bytes: number }> {
  const found: string[] = [];
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [join(repoRoot, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: repoRoot } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
    plugins: [nodeImports(found)],
  });
  return { nodeImports: found, bytes: result.outputFiles[0].contents.length };
}

describe('browser bundle', () => {
  for (const entry of ['dist/src/browser/index.js', 'dist/src/browser/worker.js']) {
    it(`${entry} reaches no Node built-in`, async () => {
      const out = await bundle(entry);
      assert.deepEqual(out.nodeImports, []);
      assert.ok(out.bytes > 10_000, `bundle of ${out.bytes} bytes is suspiciously small`);
    });
  }

  it("`import 'vgg-ts'` under a bundler's browser condition gets the browser entry", async () => {
    const out = await bundle({
      contents:
        "import { createWorkerClassifier } from 'vgg-ts'; import { readImage } from 'vgg-ts/browser'; console.log(createWorkerClassifier, readImage);",
    });
    assert.deepEqual(out.nodeImports, []);
  });

  it('the Node entry does reach Node built-ins (the check can fail)', async () => {
    const out = await bundle('dist/src/index.js');
    assert.ok(
      out.nodeImports.some((s) => s.startsWith('node:fs')),
      out.nodeImports.join('\n'),
    );
  });
});
