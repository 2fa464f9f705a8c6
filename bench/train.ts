/**
 * Training step (forward + backward + SGD step) against PyTorch (Debian's
 * python3-torch, all cores) in the same run, for two models described as
 * data and built identically on both sides:
 *   - vgg11_bn, batch 16, 32×32 RGB, 10 classes (the case);
 *   - the embedded fashion_vgg architecture with the step `vgg train` takes
 *     (batch 64, 28×28 grayscale, label smoothing 0.1, nesterov SGD, weight decay);
 *   - fine-tuning vgg16 with frozen features and a 10-class head, batch 8 at
 *     224×224 (what `vgg train --finetune vgg16` does per step).
 * Each round times BENCH_STEPS steps of one contender, then the other, so
 * machine noise hits both; medians of the rounds after a warm-up round.
 * Run: npm run build && node dist/bench/train.js (BENCH_CASES=fashion_vgg,… picks cases by name; our side
 * runs on the default backend, VGG_BACKEND=wasm for the WebAssembly one).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import {
  buildVgg,
  cfgs,
  randn,
  nn,
  optim,
  backend,
  manualSeed,
  freeze,
  trainableParameters,
  frozenFeaturesForward,
  type VggArchitecture,
} from '../src/index.js';
import { median } from './stats.js';

const rounds = Number(process.env.BENCH_RUNS ?? 5);
const steps = Number(process.env.BENCH_STEPS ?? 10);

interface Case {
  name: string;
  architecture: VggArchitecture;
  batch: number;
  size: number;
  /** Train the classifier only (features frozen, in evaluation mode). */
  freezeFeatures?: boolean;
}

const CASES: Case[] = [
  {
    name: 'vgg11_bn',
    batch: 16,
    size: 32,
    architecture: {
      cfg: [...cfgs.A],
      batchNorm: true,
      inChannels: 3,
      numClasses: 10,
      hiddenFeatures: 4096,
      dropout: 0.5,
      poolSize: 7,
    },
  },
  {
    name: 'fashion_vgg',
    batch: 64,
    size: 28,
    architecture: {
      cfg: [32, 32, 'M', 64, 64, 'M', 128, 'M'],
      batchNorm: true,
      inChannels: 1,
      numClasses: 10,
      hiddenFeatures: 256,
      dropout: 0.3,
      poolSize: 3,
    },
  },
  {
    name: 'vgg16 fine-tune (frozen features)',
    batch: 8,
    size: 224,
    freezeFeatures: true,
    architecture: {
      cfg: [...cfgs.D],
      batchNorm: false,
      inChannels: 3,
      numClasses: 10,
      hiddenFeatures: 4096,
      dropout: 0.5,
      poolSize: 7,
    },
  },
];
const SGD = { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
const LABEL_SMOOTHING = 0.1;

/** The same VGG in PyTorch (torchvision's make_layers and classifier, with the width/pool/channel options spelled out). */
function torchScript(c: Case): string {
  const a = c.architecture;
  return `
import sys, time, torch
from torch import nn
torch.set_num_threads(${cpus().length})
torch.manual_seed(0)
layers, ch = [], ${a.inChannels}
for v in ${JSON.stringify(a.cfg)}:
    if v == 'M':
        layers.append(nn.MaxPool2d(2, 2))
    else:
        layers += [nn.Conv2d(ch, v, 3, padding=1)] + ([nn.BatchNorm2d(v)] if ${a.batchNorm ? 'True' : 'False'} else []) + [nn.ReLU(True)]
        ch = v
h, p = ${a.hiddenFeatures}, ${a.poolSize}
features = nn.Sequential(*layers)
m = nn.Sequential(features, nn.AdaptiveAvgPool2d(p), nn.Flatten(),
    nn.Linear(ch * p * p, h), nn.ReLU(True), nn.Dropout(${a.dropout}),
    nn.Linear(h, h), nn.ReLU(True), nn.Dropout(${a.dropout}), nn.Linear(h, ${a.numClasses})).train()
if ${c.freezeFeatures ? 'True' : 'False'}:
    features.requires_grad_(False).eval()
opt = torch.optim.SGD([q for q in m.parameters() if q.requires_grad], lr=${SGD.lr}, momentum=${SGD.momentum}, nesterov=True, weight_decay=${SGD.weightDecay})
x = torch.randn(${c.batch}, ${a.inChannels}, ${c.size}, ${c.size}); y = torch.randint(0, ${a.numClasses}, (${c.batch},))
loss_fn = nn.CrossEntropyLoss(label_smoothing=${LABEL_SMOOTHING})
for line in sys.stdin:
    n = int(line)
    t = time.perf_counter()
    for _ in range(n):
        opt.zero_grad(); loss = loss_fn(m(x), y); loss.backward(); opt.step()
    print((time.perf_counter() - t) * 1000 / n, flush=True)
`;
}

/** Milliseconds per step of our implementation, averaged over `steps` steps, and a cleanup. */
function ourStep(c: Case): { step: () => number; close: () => void } {
  manualSeed(0);
  const model = buildVgg(c.architecture).train();
  if (c.freezeFeatures) freeze(model.features, { eval: true });
  const frozen = c.freezeFeatures ? frozenFeaturesForward(model) : null;
  const opt = new optim.SGD(trainableParameters(model), SGD);
  const x = randn([c.batch, c.architecture.inChannels, c.size, c.size]);
  const y = Array.from({ length: c.batch }, (_, i) => i % c.architecture.numClasses);
  const step = (): number => {
    const t = performance.now();
    for (let i = 0; i < steps; i++) {
      const loss = nn.crossEntropy(frozen ? frozen.forward(x) : model.forward(x), y, {
        labelSmoothing: LABEL_SMOOTHING,
      });
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    return (performance.now() - t) / steps;
  };
  return { step, close: () => frozen?.dispose() };
}

/** A PyTorch process that answers each line "n" with the mean ms of n steps. */
function torchStep(c: Case): { step: () => Promise<number>; close: () => void } {
  const proc: ChildProcessWithoutNullStreams = spawn('/usr/bin/python3', ['-c', torchScript(c)]);
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    step: async () => {
      proc.stdin.write(`${steps}\n`);
      return Number((await lines.next()).value);
    },
    close: () => proc.stdin.end(),
  };
}

async function main(): Promise<void> {
  const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const torchVersion = hasTorch
    ? spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
      }).stdout.trim()
    : '';
  console.log(
    `# training step (forward + backward + nesterov SGD, weight decay, label smoothing) — ${cpus()[0]?.model}, ${cpus().length} cores`,
  );
  console.log(`medians of ${rounds} alternating rounds of ${steps} steps after a warm-up round\n`);
  console.log(
    `| model | batch | input | vgg-ts (${backend().name}) ms / step | img/s | PyTorch ${torchVersion} ms / step | img/s | ÷ PyTorch (time) |`,
  );
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  const wanted = process.env.BENCH_CASES?.split(',');
  for (const c of CASES.filter((k) => !wanted || wanted.includes(k.name))) {
    const ours = ourStep(c);
    const theirs = hasTorch ? torchStep(c) : null;
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t1 = ours.step();
      const t2 = theirs ? await theirs.step() : NaN;
      if (r > 0) {
        a.push(t1);
        b.push(t2);
      }
    }
    theirs?.close();
    ours.close();
    const ma = median(a);
    const mb = median(b);
    const ips = (ms: number): string => (Number.isNaN(ms) ? 'n/a' : ((c.batch * 1000) / ms).toFixed(0));
    const shape = `${c.architecture.inChannels}×${c.size}×${c.size}`;
    console.log(
      `| ${c.name} | ${c.batch} | ${shape} | ${ma.toFixed(1)} | ${ips(ma)} | ${hasTorch ? mb.toFixed(1) : 'n/a'} | ${ips(mb)} | ${hasTorch ? (ma / mb).toFixed(2) : 'n/a'} |`,
    );
  }
}

await main();
