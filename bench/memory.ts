/**
 * Peak memory of inference with a compiled plan: one fresh process per model
 * and batch (224×224), so every peak is that configuration's own. The child
 * builds the model, resets the kernel's peak-RSS mark (/proc/self/clear_refs),
 * compiles the plan, runs it BENCH_MEMORY_RUNS times (default 3) and reads the
 * peak (VmHWM). Printed in MiB and as a multiple of the model's weights, next
 * to the plan's own accounting (InferencePlan.memory): prepared weights, the
 * model weights it reads in place, activation buffers and workspace.
 *
 * Run: npm run build && node dist/bench/memory.js
 * Environment: BENCH_MODELS (default vgg11,vgg16), BENCH_BATCHES (default 1,8).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  vggBuilders,
  randn,
  compileInferencePlanOrThrow,
  inferencePlanUnavailable,
  type PlanMemory,
} from '../src/index.js';

const MiB = 2 ** 20;

interface Sample {
  /** RSS once Node and the addon are loaded, before the model exists. */
  runtime: number;
  /** RSS with the model and the input built, before compiling. */
  baseline: number;
  /** Peak RSS while compiling and running. */
  peak: number;
  /** Whether the peak mark could be reset after building the model (else the peak covers the whole process). */
  peakReset: boolean;
  weights: number;
  plan: PlanMemory;
}

/** VmRSS or VmHWM of this process in bytes (Linux), or the getrusage peak elsewhere. */
function procBytes(field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    if (line) return Number.parseInt(line.slice(field.length + 1), 10) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Resets the peak-RSS mark to the current RSS (Linux ≥ 4.0); false when unsupported. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function child(name: string, batch: number, runs: number): void {
  const unavailable = inferencePlanUnavailable(); // loads the addon, part of the runtime
  if (unavailable) throw new Error(unavailable);
  const runtime = procBytes('VmRSS');
  // Weight values do not matter here; PyTorch's default init is the fast one.
  const model = vggBuilders[name]({ initWeights: false }).eval();
  const x = randn([batch, 3, 224, 224]);
  const baseline = procBytes('VmRSS');
  const peakReset = resetPeak();
  const plan = compileInferencePlanOrThrow(model);
  for (let i = 0; i < runs; i++) plan.run(x.data, batch, 224, 224);
  const sample: Sample = {
    runtime,
    baseline,
    peak: procBytes('VmHWM'),
    peakReset,
    weights: [...model.parameters()].reduce((n, p) => n + p.numel * 4, 0),
    plan: plan.memory(),
  };
  process.stdout.write(JSON.stringify(sample));
}

function mib(b: number): string {
  return `${(b / MiB).toFixed(0)}`;
}

/** One child per configuration; returns its sample. */
function measure(name: string, batch: number, runs = Number(process.env.BENCH_MEMORY_RUNS ?? 3)): Sample {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, 'child', name, String(batch), String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory child for ${name} batch ${batch} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sample;
}

function main(): void {
  const models = (process.env.BENCH_MODELS ?? 'vgg11,vgg16').split(',');
  const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
  console.log('# peak memory of plan inference, 224×224 (one process per row; MiB)\n');
  console.log(
    "W: the model's weights; P: the plan's prepared weights (Winograd conv weights, biases); " +
      'shared: the part of W (Linear weights) the plan reads in place, without a copy; A: the two activation buffers; S: workspace; ' +
      'runtime RSS: Node + the addon before the model exists; with model: after building it and the input; ' +
      'peak above runtime: peak RSS during compile + runs minus the runtime RSS.\n',
  );
  console.log(
    '| model | batch | W | P | shared | A | S | runtime RSS | with model | peak RSS | peak above runtime | ÷ W | ÷ (W + P + A + S) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  let partial = false;
  for (const name of models) {
    for (const batch of batches) {
      const s = measure(name, batch);
      partial ||= !s.peakReset;
      const above = s.peak - s.runtime;
      const p = s.plan;
      const accounted = s.weights + p.preparedWeights + p.activations + p.workspace;
      console.log(
        `| ${name} | ${batch} | ${mib(s.weights)} | ${mib(p.preparedWeights)} | ${mib(p.sharedModelWeights)} | ${mib(p.activations)} | ` +
          `${mib(p.workspace)} | ${mib(s.runtime)} | ${mib(s.baseline)} | ${mib(s.peak)} | ${mib(above)} | ${(above / s.weights).toFixed(2)} | ` +
          `${(above / accounted).toFixed(2)} |`,
      );
    }
  }
  if (partial) console.log('\n(the peak mark could not be reset: peaks include building the model)');
}

if (process.argv[2] === 'child') child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else if (process.argv[1]?.endsWith('memory.js')) main();
