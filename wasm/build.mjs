// Builds the WebAssembly kernels (wasm/src, AssemblyScript) into wasm/build/: one module per SIMD level
// (relaxed: fused multiply-add; simd: SIMD128 mul+add; scalar: no SIMD) and memory kind (-mt imports a
// shared memory for worker threads; the plain one a non-shared memory for pages without cross-origin
// isolation). The loader picks one at run time (src/backend/wasm/features.ts).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, 'build');
mkdirSync(out, { recursive: true });

const levels = {
  relaxed: ['--enable', 'simd', '--enable', 'relaxed-simd'],
  simd: ['--enable', 'simd'],
  scalar: [],
};
const memories = {
  '': [],
  '-mt': ['--sharedMemory', '--enable', 'threads'],
};

for (const [level, levelFlags] of Object.entries(levels)) {
  for (const [suffix, memoryFlags] of Object.entries(memories)) {
    const file = join(out, `vgg-${level}${suffix}.wasm`);
    const { error, stderr } = await asc.main([
      join(root, 'src', 'index.ts'),
      '-O3',
      '--runtime',
      'stub',
      '--use',
      'abort=',
      '--importMemory',
      '--noExportMemory',
      '--initialMemory',
      '1',
      '--maximumMemory',
      '65536',
      ...levelFlags,
      ...memoryFlags,
      '--outFile',
      file,
    ]);
    if (error) {
      process.stderr.write(stderr.toString());
      throw error;
    }
  }
}
