/**
 * createWorkerClassifier: model loading and inference in a Web Worker, so a page never freezes while
 * a VGG runs. The page keeps the checkpoint download (progress, Cache API) and hands the bytes over.
 */
import { VggError } from '../errors.js';
import type { BackendInfo, BrowserBackendOptions } from './backend.js';
import { checkpointBytes, type BrowserCheckpointSource, type FetchCheckpointOptions } from './checkpoint.js';
import type { FeatureGrid, FeatureGridOptions } from './feature-grid.js';
import type {
  FeatureMaps,
  ImageInput,
  LoadedModelInfo,
  Prediction,
  WorkerReplies,
  WorkerReply,
  WorkerRequest,
} from './worker-protocol.js';

export type { FeatureMaps, ImageInput, LoadedModelInfo, Prediction } from './worker-protocol.js';

/** An error thrown inside the worker; `name` is the original class name (e.g. 'CheckpointError'). */
export class WorkerTaskError extends VggError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface WorkerClassifierOptions extends Omit<BrowserBackendOptions, 'workerUrl'> {
  /** The worker script (vgg-ts/browser/worker, bundled or not); default: worker.js next to this module. */
  workerUrl?: string | URL;
  /** The wasm thread pool's worker script (BrowserBackendOptions.workerUrl), started from inside that worker. */
  wasmWorkerUrl?: string | URL;
}

export interface WorkerClassifier {
  /** The backend and threads the worker runs on, once it started. */
  readonly ready: Promise<BackendInfo>;
  /** Loads a model: a URL (progress and cache as fetchCheckpoint), a File/Blob or bytes. */
  load(source: BrowserCheckpointSource, opts?: FetchCheckpointOptions & { name?: string }): Promise<LoadedModelInfo>;
  classify(image: ImageInput, opts?: { topk?: number }): Promise<Prediction>;
  /** Activations of `layer` (e.g. 'conv1_1', 'pool5') for the last classified image. */
  featureMaps(layer: string): Promise<FeatureMaps>;
  /**
   * The same activations as a grid picture (see renderFeatureGrid), rendered in the worker: the page
   * only draws the bitmap, so a big layer (64 maps of 224×224) does not block it.
   */
  featureGrid(layer: string, opts?: FeatureGridOptions): Promise<FeatureGrid>;
  terminate(): void;
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export function createWorkerClassifier(opts: WorkerClassifierOptions = {}): WorkerClassifier {
  // Written out in full so that Vite and webpack see the worker and bundle it; esbuild users pass workerUrl.
  const worker = opts.workerUrl
    ? new Worker(opts.workerUrl, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const reply = e.data;
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new WorkerTaskError(reply.error.name, reply.error.message));
  };
  worker.onerror = (e) => {
    for (const w of pending.values()) w.reject(new WorkerTaskError('WorkerError', e.message || 'the worker failed'));
    pending.clear();
  };
  function send<K extends Request['kind']>(req: Extract<Request, { kind: K }>, transfer: Transferable[] = []) {
    const id = nextId++;
    return new Promise<WorkerReplies[K]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id }, transfer);
    });
  }
  // URLs cross to the worker as absolute strings: a relative one would resolve against the worker's script.
  const absolute = (url: string | URL | undefined) =>
    url === undefined ? undefined : new URL(url, globalThis.location?.href).href;
  return {
    ready: send<'init'>({
      kind: 'init',
      wasmBaseUrl: absolute(opts.wasmBaseUrl),
      wasmWorkerUrl: absolute(opts.wasmWorkerUrl),
      threads: opts.threads,
    }),
    async load(source, loadOpts = {}) {
      const name =
        loadOpts.name ?? (source instanceof File ? source.name : typeof source === 'string' ? source : 'checkpoint');
      if (source instanceof Blob) return send<'load'>({ kind: 'load', source, name });
      const bytes =
        source instanceof Uint8Array || source instanceof ArrayBuffer
          ? (source instanceof Uint8Array ? source : new Uint8Array(source)).slice()
          : await checkpointBytes(source, loadOpts);
      return send<'load'>({ kind: 'load', source: bytes, name }, [bytes.buffer]);
    },
    classify: (image, classifyOpts = {}) => send<'classify'>({ kind: 'classify', image, topk: classifyOpts.topk ?? 5 }),
    featureMaps: (layer) => send<'features'>({ kind: 'features', layer }),
    featureGrid: (layer, gridOpts = {}) => send<'featureGrid'>({ kind: 'featureGrid', layer, ...gridOpts }),
    terminate() {
      worker.terminate();
    },
  };
}
