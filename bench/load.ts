/**
 * Checkpoint loading: time and peak memory of loadCheckpoint on a full vgg16
 * state dict (528 MB) in both PyTorch layouts, next to torch.load on the same
 * files in the same run when Debian's python3-torch is installed. Each load
 * runs in a fresh process so peak RSS (getrusage) is its own; the figure
 * reported is the peak above that process's baseline after imports.
 * Run: npm run build && node dist/bench/load.js
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint, savePth, vgg16 } from '../src/index.js';
import { median } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);

async function child(path: string): Promise<void> {
  const baseline = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const sd = await loadCheckpoint(path);
  const ms = performance.now() - t0;
  const peakKb = process.resourceUsage().maxRSS - baseline;
  process.stdout.write(JSON.stringify({ ms, peakBytes: peakKb * 1024, tensors: sd.size }));
}

const TORCH_LOAD = `
import resource, sys, time, torch
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter(); sd = torch.load(sys.argv[1]); ms = (time.perf_counter() - t) * 1000
print('{"ms": %f, "peakBytes": %d, "tensors": %d}' % (ms, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024, len(sd)))
`;

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'vgg-load-bench-'));
  const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  try {
    const files: [string, string][] = [];
    if (hasTorch) {
      const script = join(self, '..', '..', '..', 'test', 'fixtures', 'checkpoints', 'torch_vgg16.py');
      const r = spawnSync('/usr/bin/python3', [script, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      files.push(
        ['zip (torch.save)', join(dir, 'vgg16_zip.pth')],
        ['legacy (torch.save, old format)', join(dir, 'vgg16_legacy.pth')],
      );
    } else {
      await savePth(join(dir, 'vgg16_zip.pth'), vgg16({ initWeights: false }).stateDict());
      files.push(['zip (savePth)', join(dir, 'vgg16_zip.pth')]);
    }
    console.log(`| file | size MB | loader | median ms | peak RSS above baseline | ÷ file size |`);
    console.log('|---|---:|---|---:|---:|---:|');
    for (const [label, path] of files) {
      const size = statSync(path).size;
      const results = new Map<string, { ms: number[]; peak: number[] }>([
        ['vgg-ts loadCheckpoint', { ms: [], peak: [] }],
      ]);
      if (hasTorch) results.set('torch.load (PyTorch 1.13)', { ms: [], peak: [] });
      for (let i = 0; i < runs; i++) {
        for (const name of results.keys()) {
          const r = name.startsWith('vgg-ts')
            ? spawnSync(process.execPath, [self, 'child', path], { encoding: 'utf8' })
            : spawnSync('/usr/bin/python3', ['-c', TORCH_LOAD, path], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(r.stderr);
          const m = JSON.parse(r.stdout) as { ms: number; peakBytes: number };
          results.get(name)!.ms.push(m.ms);
          results.get(name)!.peak.push(m.peakBytes);
        }
      }
      for (const [name, r] of results) {
        const peak = median(r.peak);
        console.log(
          `| ${label} | ${(size / 2 ** 20).toFixed(1)} | ${name} | ${median(r.ms).toFixed(0)} | ${(peak / 2 ** 20).toFixed(0)} MB | ${(peak / size).toFixed(2)} |`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]);
else await main();
