/**
 * Inference off the main thread, for servers: a pool of worker threads, each
 * with its own copy of a model file written by saveModel. At most one request
 * runs per worker; the rest wait in a queue, so memory and CPU use stay bounded
 * however many requests arrive.
 */
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import { ArgumentError } from '../errors.js';
import type { Classification, ClassifyOptions } from './classify.js';
import type { WorkerReply, WorkerRequest } from './worker-entry.js';

export interface InferencePoolOptions {
  /** A model file written by saveModel (architecture, categories and preprocessing inside). */
  modelFile: string;
  /** Worker threads (default 1: the native backend already uses every core per forward pass). */
  workers?: number;
}

interface Pending {
  resolve: (r: Classification[]) => void;
  reject: (e: Error) => void;
}

export class InferencePool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(opts: InferencePoolOptions) {
    const n = opts.workers ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > cpus().length * 4)
      throw new ArgumentError(`workers must be an integer from 1 to ${cpus().length * 4}, got ${n}`);
    this.workers = Array.from({ length: n }, () => {
      const w = new Worker(new URL('./worker-entry.js', import.meta.url), {
        workerData: { modelFile: opts.modelFile },
      });
      w.on('message', (reply: WorkerReply) => this.settle(w, reply));
      w.on('error', (e) => this.failAll(e));
      return w;
    });
    this.idle = [...this.workers];
  }

  /** Like classify(), on a worker thread; resolves when a worker has finished the request. */
  async classify(
    images: readonly string[],
    opts: Omit<ClassifyOptions, 'transform' | 'onProgress' | 'categories' | 'plan'> = {},
  ): Promise<Classification[]> {
    if (this.closed) throw new ArgumentError('the inference pool is closed');
    const worker = await this.acquire();
    const id = this.nextId++;
    return new Promise<Classification[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, images: [...images], opts } satisfies WorkerRequest);
    });
  }

  /** Requests waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('the inference pool was closed'));
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((resolve) => this.queue.push(() => resolve(this.idle.pop()!)));
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.idle.push(worker);
    this.queue.shift()?.();
    if (!p) return;
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(reply.results);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
