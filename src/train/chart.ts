/** A self-contained HTML page with the loss and accuracy curves of a run, as inline SVG (no scripts, no network). */
import type { EpochMetrics } from './state.js';

function polyline(values: number[], width: number, height: number, lo: number, hi: number): string {
  const span = hi - lo || 1;
  return values
    .map((v, i) => {
      const x = values.length === 1 ? width / 2 : (i / (values.length - 1)) * width;
      const y = height - ((v - lo) / span) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

function panel(title: string, series: [string, string, number[]][]): string {
  const all = series.flatMap(([, , v]) => v).filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const lines = series
    .map(
      ([name, color, v]) =>
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${polyline(v, 560, 220, lo, hi)}"><title>${name}</title></polyline>`,
    )
    .join('');
  const legend = series
    .map(([name, color, v]) => `<span style="color:${color}">■ ${name}: ${v.at(-1)?.toFixed(4) ?? '–'}</span>`)
    .join(' &nbsp; ');
  return (
    `<h2>${title}</h2><p>${legend} &nbsp; (range ${lo.toFixed(4)} – ${hi.toFixed(4)})</p>` +
    `<svg width="600" height="250" viewBox="-20 -10 600 250" role="img" aria-label="${title}"><rect x="0" y="0" width="560" height="220" fill="#fafafa" stroke="#ccc"/>${lines}</svg>`
  );
}

export function trainingChartHtml(runName: string, metrics: readonly EpochMetrics[]): string {
  const get = (k: keyof EpochMetrics) => metrics.map((m) => m[k]);
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${runName}</title>` +
    '<style>body{font-family:sans-serif;margin:2em}</style></head><body>' +
    `<h1>${runName}</h1><p>${metrics.length} epoch(s)</p>` +
    panel('Loss', [
      ['train', '#d62728', get('trainLoss')],
      ['test', '#1f77b4', get('testLoss')],
    ]) +
    panel('Accuracy', [
      ['train', '#d62728', get('trainAccuracy')],
      ['test', '#1f77b4', get('testAccuracy')],
    ]) +
    '</body></html>\n'
  );
}
