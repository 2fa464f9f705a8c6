/**
 * `npm run web`: serves dist/site on 127.0.0.1, cross-origin isolated (COOP same-origin + COEP
 * require-corp) so the wasm backend may use threads. `--port N` (default 8080, 0 for any free port);
 * `--no-isolation` leaves the headers out, to see the single-thread fallback.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE_DIR } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

export interface WebServerOptions {
  root?: string;
  port?: number;
  /** Send COOP/COEP (default true). */
  isolated?: boolean;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const root = opts.root ?? SITE_DIR;
  const isolation: Record<string, string> =
    opts.isolated === false
      ? {}
      : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Length': body.length,
          'Cross-Origin-Resource-Policy': 'same-origin',
          'Cache-Control': 'no-cache',
          ...isolation,
        });
        res.end(body);
      },
      () => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 8080, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  const server = await startWebServer({
    port: at >= 0 ? Number(args[at + 1]) : 8080,
    isolated: !args.includes('--no-isolation'),
  });
  console.log(`vgg-ts page: ${server.url}`);
}
