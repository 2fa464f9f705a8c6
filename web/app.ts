/**
 * The page: pick a model (fashion_vgg, a dropped checkpoint or one fetched by URL), classify images
 * (dropped, picked or a Fashion-MNIST sample) in a Web Worker, and show any layer's feature maps.
 */
import { featureGridChannelAt, type FeatureGridLayout } from '../src/browser/feature-grid.js';
import { createWorkerClassifier, type Prediction } from '../src/browser/worker-classifier.js';
import { showGrid, zoomChannel } from './feature-grid.js';

const CHECKPOINT = /\.(pth|pt|safetensors)$/i;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  backend: $('backend'),
  modelName: $('model-name'),
  error: $('error'),
  useFashion: $<HTMLButtonElement>('use-fashion'),
  modelInput: $<HTMLInputElement>('model-input'),
  urlForm: $<HTMLFormElement>('url-form'),
  modelUrl: $<HTMLInputElement>('model-url'),
  progress: $<HTMLProgressElement>('model-progress'),
  modelInfo: $('model-info'),
  imageInput: $<HTMLInputElement>('image-input'),
  imageDrop: $('image-drop'),
  samples: $('samples'),
  results: $<HTMLOListElement>('results'),
  layerSelect: $<HTMLSelectElement>('layer-select'),
  layerShape: $('layer-shape'),
  featureMaps: $<HTMLCanvasElement>('feature-maps'),
  zoom: $<HTMLCanvasElement>('channel-zoom'),
  zoomCaption: $('channel-caption'),
};

interface Item {
  name: string;
  image: Blob;
  card: HTMLLIElement;
}

// The site is one esbuild bundle, which does not rewrite `new URL(…, import.meta.url)`: every script and
// .wasm build is named here, relative to this bundle (web/build.ts puts them there).
const classifier = createWorkerClassifier({
  workerUrl: new URL('./worker.js', import.meta.url),
  wasmWorkerUrl: new URL('./worker-web.js', import.meta.url),
  wasmBaseUrl: new URL('./wasm/', import.meta.url),
});
let current: Item | undefined;
let layout: FeatureGridLayout | undefined;
let channel = 0;

/** One task at a time: the worker keeps the last image for the layer explorer. */
let queue: Promise<unknown> = Promise.resolve();
function run<T>(task: () => Promise<T>): Promise<T | undefined> {
  const next = queue.then(task).catch((e: unknown) => {
    showError(e);
    return undefined;
  });
  queue = next;
  return next;
}

function showError(e: unknown): void {
  ui.error.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

async function loadModel(source: string | Blob, name: string): Promise<void> {
  const shown = ui.modelInfo.textContent;
  ui.progress.hidden = false;
  ui.progress.removeAttribute('value');
  ui.modelInfo.textContent = `loading ${name}…`;
  try {
    const info = await classifier.load(source, {
      name,
      onProgress: (received, total) => {
        if (total) ui.progress.value = received / total;
        ui.modelInfo.textContent = `loading ${name}: ${(received / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`;
      },
    });
    ui.modelName.textContent = name;
    ui.modelInfo.textContent = `${info.description}, ${info.numClasses} classes`;
    const previous = ui.layerSelect.value;
    ui.layerSelect.replaceChildren(...info.layers.map((l) => new Option(l, l)));
    ui.layerSelect.value = info.layers.includes(previous) ? previous : info.layers[0];
    ui.results.replaceChildren();
    if (current) await classifyItem(current);
  } catch (e) {
    ui.modelInfo.textContent = shown;
    throw e;
  } finally {
    ui.progress.hidden = true;
  }
}

function predictionRows(prediction: Prediction): HTMLElement[] {
  return prediction.top.map((t) => {
    const row = document.createElement('div');
    row.className = 'prediction';
    row.dataset.testid = 'prediction';
    row.dataset.label = t.label;
    row.dataset.prob = String(t.prob);
    const label = Object.assign(document.createElement('span'), { className: 'label', textContent: t.label });
    const bar = Object.assign(document.createElement('span'), { className: 'bar' });
    bar.style.width = `${(t.prob * 100).toFixed(1)}%`;
    const pct = Object.assign(document.createElement('span'), {
      className: 'pct',
      textContent: `${(t.prob * 100).toFixed(2)}%`,
    });
    row.append(label, bar, pct);
    return row;
  });
}

function addItem(name: string, image: Blob): Item {
  const card = document.createElement('li');
  card.dataset.file = name;
  const thumb = Object.assign(document.createElement('img'), { src: URL.createObjectURL(image), alt: name });
  const body = document.createElement('div');
  body.append(Object.assign(document.createElement('strong'), { textContent: name }));
  card.append(thumb, body);
  ui.results.prepend(card);
  const item = { name, image, card };
  card.tabIndex = 0;
  card.addEventListener('click', () => void run(() => classifyItem(item)));
  card.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') void run(() => classifyItem(item));
  });
  return item;
}

async function classifyItem(item: Item): Promise<void> {
  if (!item.card.isConnected) ui.results.prepend(item.card);
  const body = item.card.lastElementChild!;
  body.replaceChildren(Object.assign(document.createElement('strong'), { textContent: item.name }));
  let prediction: Prediction;
  try {
    prediction = await classifier.classify(item.image, { topk: 5 });
  } catch (e) {
    body.append(Object.assign(document.createElement('p'), { textContent: 'not classified (see the error above)' }));
    throw e;
  }
  const time = Object.assign(document.createElement('div'), {
    className: 'muted',
    textContent: `${prediction.ms.toFixed(0)} ms`,
  });
  body.firstElementChild!.after(time);
  body.append(...predictionRows(prediction));
  for (const li of ui.results.children) li.classList.toggle('current', li === item.card);
  current = item;
  await showLayer();
}

async function showLayer(): Promise<void> {
  if (!current) return;
  const shows = `${current.name} ${ui.layerSelect.value}`;
  const grid = await classifier.featureGrid(ui.layerSelect.value);
  showGrid(ui.featureMaps, grid);
  // Which image and layer the grid shows: the shape line alone reads the same for two images.
  ui.featureMaps.dataset.shows = shows;
  layout = grid.layout;
  ui.layerShape.textContent = `${grid.shape[0]} channels of ${grid.shape[1]}×${grid.shape[2]}`;
  showChannel(Math.min(channel, layout.channels - 1));
}

function showChannel(c: number): void {
  if (!layout) return;
  channel = c;
  zoomChannel(ui.zoom, ui.featureMaps, layout, c);
  ui.zoomCaption.textContent = `${ui.layerSelect.value}, channel ${c}`;
}

async function classifyFiles(files: Iterable<File>): Promise<void> {
  clearError();
  for (const f of files) await run(() => classifyItem(addItem(f.name, f)));
}

function onFiles(files: FileList | null | undefined): void {
  const all = [...(files ?? [])];
  const checkpoint = all.find((f) => CHECKPOINT.test(f.name));
  if (checkpoint) {
    clearError();
    void run(() => loadModel(checkpoint, checkpoint.name));
  }
  void classifyFiles(all.filter((f) => f !== checkpoint));
}

async function showSamples(): Promise<string[]> {
  const names = (await (await fetch('samples.json')).json()) as string[];
  ui.samples.replaceChildren(
    ...names.map((file) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.title = file;
      button.setAttribute('aria-label', `sample ${file}`);
      button.append(Object.assign(document.createElement('img'), { src: `samples/${file}`, alt: '' }));
      button.addEventListener('click', () => {
        clearError();
        void run(async () => classifyItem(addItem(file, await (await fetch(`samples/${file}`)).blob())));
      });
      return button;
    }),
  );
  return names;
}

ui.useFashion.addEventListener('click', () => {
  clearError();
  void run(() => loadModel('models/fashion_vgg.safetensors', 'fashion_vgg'));
});
ui.modelInput.addEventListener('change', () => {
  const file = ui.modelInput.files?.[0];
  if (!file) return;
  clearError();
  void run(() => loadModel(file, file.name));
  ui.modelInput.value = '';
});
ui.urlForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = ui.modelUrl.value.trim();
  if (!url) return;
  clearError();
  void run(() => loadModel(url, url.slice(url.lastIndexOf('/') + 1) || url));
});
ui.imageInput.addEventListener('change', () => {
  void classifyFiles([...(ui.imageInput.files ?? [])]);
  ui.imageInput.value = '';
});
ui.layerSelect.addEventListener('change', () => void run(showLayer));
ui.featureMaps.addEventListener('mousemove', (e) => {
  if (!layout) return;
  const box = ui.featureMaps.getBoundingClientRect();
  const x = ((e.clientX - box.left) * ui.featureMaps.width) / box.width;
  const y = ((e.clientY - box.top) * ui.featureMaps.height) / box.height;
  const c = featureGridChannelAt(layout, x, y);
  if (c !== null && c !== channel) showChannel(c);
});
ui.featureMaps.addEventListener('keydown', (e) => {
  if (!layout) return;
  const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -layout.cols, ArrowDown: layout.cols }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  showChannel(Math.min(layout.channels - 1, Math.max(0, channel + step)));
});
for (const target of [document.documentElement, ui.imageDrop]) {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.imageDrop.classList.add('over');
  });
  target.addEventListener('dragleave', () => ui.imageDrop.classList.remove('over'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    ui.imageDrop.classList.remove('over');
    onFiles(e.dataTransfer?.files);
  });
}

void run(async () => {
  const info = await classifier.ready;
  ui.backend.textContent =
    `${info.name} backend${info.build ? ` (${info.build} build)` : ''} · ` +
    `${info.threads} thread${info.threads === 1 ? '' : 's'} · ` +
    (info.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated');
  ui.backend.title = info.singleThreadReason ?? '';
  const [names] = await Promise.all([showSamples(), loadModel('models/fashion_vgg.safetensors', 'fashion_vgg')]);
  if (names.length) ui.samples.querySelector('button')?.click();
});
