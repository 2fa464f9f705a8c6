/**
 * `npm run build:web`: the page as static files in dist/site — the bundled page and worker (from the
 * compiled dist/ modules, so the `browser` conditions pick the browser edges), the HTML and CSS,
 * fashion_vgg and the Fashion-MNIST samples.
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
  await build({
    entryPoints: { app: join(root, 'dist/web/app.js'), worker: join(root, 'dist/src/browser/worker.js') },
    outdir: out,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
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
