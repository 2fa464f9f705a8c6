/**
 * `npm run build:web`: the page as static files in dist/site — the bundled page, its worker and the wasm
 * thread pool's worker (from the compiled dist/ modules, so the `browser` conditions pick the browser
 * edges), the wasm builds in wasm/, the HTML and CSS, fashion_vgg and the Fashion-MNIST samples.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SITE_DIR = join(root, 'dist', 'site');

export async function buildSite(out = SITE_DIR): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'models'), { recursive: true });
  mkdirSync(join(out, 'samples'), { recursive: true });
  mkdirSync(join(out, 'wasm'), { recursive: true });
  await build({
    entryPoints: {
      app: join(root, 'dist/web/app.js'),
      worker: join(root, 'dist/src/browser/worker.js'),
      'worker-web': join(root, 'dist/src/backend/wasm/worker-web.js'),
    },
    outdir: out,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
  // esbuild leaves `new URL('…', import.meta.url)` alone, so app.ts names these files' URLs itself.
  for (const f of readdirSync(join(root, 'wasm/build')).filter((f) => f.endsWith('.wasm')))
    copyFileSync(join(root, 'wasm/build', f), join(out, 'wasm', f));
  copyFileSync(join(root, 'models/fashion_vgg.safetensors'), join(out, 'models/fashion_vgg.safetensors'));
  const samples = readdirSync(join(root, 'examples/fashion'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  for (const f of samples) copyFileSync(join(root, 'examples/fashion', f), join(out, 'samples', f));
  writeFileSync(join(out, 'samples.json'), JSON.stringify(samples));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSite();
  console.log(`page written to ${SITE_DIR}`);
}
