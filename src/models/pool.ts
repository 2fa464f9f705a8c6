/**
 * Inference off the main thread, for servers: a pool of worker threads, each
 * with its own copy of a model file written by saveModel. At most one request
 * runs per worker; the rest wait in a queue, so memory and CPU use stay bounded
 * however many requests arrive.
 *
 * Every request settles: a worker that dies rejects the request it was running;
 * a model that cannot load rejects every queued and later request with that
 * error; close() rejects everything still queued. Idle workers do not keep the
 * process alive, so a program that forgets close() still exits.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ArgumentError } from '../errors.js';
import type { Classification, ClassifyOptions } from './classify.js';
import type { WorkerReply, WorkerRequest } from './worker-entry.js';

export interface InferencePoolOptions {
  /** A model file written by saveModel (architecture, categories and preprocessing inside). */
  modelFile: string;
  /** Worker threads (default 1: the native backend already uses every core per forward pass). */
  workers?: number;
  /**
   * Native addon threads each worker asks for. Default: the cores divided among
   * the workers (at least 1), so workers × threads never exceeds the cores;
   * VGG_NUM_THREADS, when set, wins over the default.
   */
  threadsPerWorker?: number;
}

export type PoolClassifyOptions = Omit<ClassifyOptions, 'transform' | 'onProgress' | 'categories' | 'plan'>;

interface Job {
  request: WorkerRequest;
  resolve: (r: Classification[]) => void;
  reject: (e: Error) => void;
}

/** A request that could not run: the pool is closed, or its model or a worker failed. */
export class InferencePoolError extends ArgumentError {
  override name = 'InferencePoolError';
}

export class InferencePool {
  /** The addon threads each worker was started with (0: left to VGG_NUM_THREADS). */
  readonly threadsPerWorker: number;
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private failure: Error | null = null;
  private closed = false;

  constructor(opts: InferencePoolOptions) {
    const cores = availableParallelism();
    const n = opts.workers ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > cores * 4)
      throw new ArgumentError(`workers must be an integer from 1 to ${cores * 4}, got ${n}`);
    const threads = opts.threadsPerWorker ?? (process.env.VGG_NUM_THREADS ? 0 : Math.max(1, Math.floor(cores / n)));
    if (!Number.isInteger(threads) || threads < 0)
      throw new ArgumentError(`threadsPerWorker must be a positive integer, got ${threads}`);
    this.threadsPerWorker = threads;
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./worker-entry.js', import.meta.url), {
        workerData: { modelFile: opts.modelFile, threads },
      });
      w.unref();
      w.on('message', (reply: WorkerReply) => this.onReply(w, reply));
      w.on('error', (e) => this.onWorkerGone(w, new InferencePoolError(`an inference worker failed: ${e.message}`)));
      w.on('exit', (code) => this.onWorkerGone(w, new InferencePoolError(`an inference worker exited (code ${code})`)));
      this.workers.add(w);
      this.idle.push(w);
    }
  }

  /** Like classify(), on a worker thread; resolves when a worker has finished the request. */
  classify(images: readonly string[], opts: PoolClassifyOptions = {}): Promise<Classification[]> {
    if (this.closed) return Promise.reject(new InferencePoolError('the inference pool is closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Classification[]>((resolve, reject) => {
      this.queue.push({ request: { images: [...images], opts }, resolve, reject });
      this.dispatch();
    });
  }

  /** Requests waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Stops the workers; requests queued or running are rejected, later ones too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(new InferencePoolError('the inference pool was closed'));
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      worker.ref(); // a running request keeps the process alive until it settles
      worker.postMessage(job.request);
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    if ('loadError' in reply) {
      this.fail(new InferencePoolError(reply.loadError));
      return;
    }
    const job = this.running.get(worker);
    this.running.delete(worker);
    worker.unref();
    this.idle.push(worker);
    if ('error' in reply) job?.reject(new Error(reply.error));
    else job?.resolve(reply.results);
    this.dispatch();
  }

  /** A worker died: its request fails; when none is left, so does every other request. */
  private onWorkerGone(worker: Worker, error: Error): void {
    if (!this.workers.delete(worker)) return;
    this.running.get(worker)?.reject(error);
    this.running.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.workers.size === 0 && !this.closed) this.fail(error);
  }

  /** The model cannot be used: every request, now and later, is rejected with `error`. */
  private fail(error: Error): void {
    this.failure ??= error;
    this.rejectAll(this.failure);
    for (const w of this.workers) void w.terminate();
  }

  private rejectAll(error: Error): void {
    for (const job of [...this.running.values(), ...this.queue.splice(0)]) job.reject(error);
    this.running.clear();
  }
}
