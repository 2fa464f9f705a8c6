/**
 * Training step (forward + backward + SGD step) of vgg11_bn, batch 16,
 * 32×32 inputs, 10 classes: this library vs PyTorch (Debian's python3-torch,
 * all cores) in the same run. Each round times BENCH_STEPS steps of one
 * contender, then the other, so machine noise hits both; medians of the
 * rounds after a warm-up round.
 * Run: npm run build && node dist/bench/train.js
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { vgg11_bn, randn, nn, optim, backend, manualSeed } from '../src/index.js';
import { median } from './stats.js';

const rounds = Number(process.env.BENCH_RUNS ?? 5);
const steps = Number(process.env.BENCH_STEPS ?? 10);
const BATCH = 16;

const TORCH = `
import sys, time, torch, torchvision
torch.set_num_threads(${cpus().length})
torch.manual_seed(0)
m = torchvision.models.vgg11_bn(num_classes=10).train()
opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(${BATCH}, 3, 32, 32); y = torch.randint(0, 10, (${BATCH},))
loss_fn = torch.nn.CrossEntropyLoss()
for line in sys.stdin:
    n = int(line)
    t = time.perf_counter()
    for _ in range(n):
        opt.zero_grad(); loss = loss_fn(m(x), y); loss.backward(); opt.step()
    print((time.perf_counter() - t) * 1000 / n, flush=True)
`;

async function main(): Promise<void> {
  manualSeed(0);
  const model = vgg11_bn({ numClasses: 10 }).train();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([BATCH, 3, 32, 32]);
  const y = Array.from({ length: BATCH }, (_, i) => i % 10);
  const ours = (): number => {
    const t = performance.now();
    for (let i = 0; i < steps; i++) {
      const loss = nn.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    return (performance.now() - t) / steps;
  };
  const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
  let torchProc: ChildProcessWithoutNullStreams | null = null;
  let torchLines: AsyncIterableIterator<string> | null = null;
  if (hasTorch) {
    torchProc = spawn('/usr/bin/python3', ['-c', TORCH]);
    torchLines = createInterface({ input: torchProc.stdout })[Symbol.asyncIterator]();
  }
  const theirs = async (): Promise<number> => {
    torchProc!.stdin.write(`${steps}\n`);
    return Number((await torchLines!.next()).value);
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const t1 = ours();
    const t2 = hasTorch ? await theirs() : NaN;
    if (r > 0) {
      a.push(t1);
      b.push(t2);
    }
  }
  torchProc?.stdin.end();
  console.log(`# training step: vgg11_bn, batch ${BATCH}, 32×32, SGD momentum — ${cpus()[0]?.model}, ${cpus().length} cores`);
  console.log(`medians of ${rounds} rounds of ${steps} steps after a warm-up round\n`);
  console.log('| contender | ms / step | images / s | ÷ PyTorch (time) |');
  console.log('|---|---:|---:|---:|');
  const ma = median(a);
  const mb = hasTorch ? median(b) : NaN;
  console.log(`| vgg-ts (${backend().name}) | ${ma.toFixed(1)} | ${((BATCH * 1000) / ma).toFixed(0)} | ${hasTorch ? (ma / mb).toFixed(2) : 'n/a'} |`);
  if (hasTorch) console.log(`| PyTorch ${spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim()} | ${mb.toFixed(1)} | ${((BATCH * 1000) / mb).toFixed(0)} | 1.00 |`);
}

await main();
