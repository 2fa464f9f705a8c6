/**
 * The download progress bar used by `hub.ts`: a cli-progress bar on stderr showing
 * bytes done / total, average speed and time left. It draws only when asked to AND the
 * stream is a terminal; otherwise every method is a no-op and nothing is written.
 */
import cliProgress from 'cli-progress';
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** Human-readable byte count with binary units: `512 B`, `1.5 KiB`, `527.8 MiB`. */
export function formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 0)
        return '? B';
    let v = bytes;
    let u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
        v /= 1024;
        u++;
    }
    return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}
const NOOP = { update() { }, stop() { } };
/** Create a byte progress bar, or a silent stand-in when disabled or not on a terminal. */
export function createByteProgress(opts) {
    const stream = opts.stream ?? process.stderr;
    if (!opts.enabled || !stream.isTTY)
        return NOOP;
    const known = opts.total !== null && opts.total > 0;
    const total = known ? opts.total : 0;
    const sizeText = known ? formatBytes(total) : '?';
    const format = known
        ? '{label} |{bar}| {percentage}% | {done}/{size} | {speed} | ETA {eta_formatted}'
        : '{label} {done} | {speed}';
    const bar = new cliProgress.SingleBar({
        format,
        stream,
        barsize: 30,
        hideCursor: true,
        etaBuffer: 30,
        fps: 10,
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
    }, cliProgress.Presets.shades_classic);
    const started = Date.now();
    const intervalMs = opts.intervalMs ?? 100;
    let lastDraw = 0;
    let stopped = false;
    const payload = (done) => {
        const secs = (Date.now() - started) / 1000;
        const speed = secs > 0 ? `${formatBytes(done / secs)}/s` : '-';
        return { label: opts.label, done: formatBytes(done), size: sizeText, speed };
    };
    bar.start(total, 0, payload(0));
    return {
        update(done) {
            if (stopped)
                return;
            const now = Date.now();
            if (now - lastDraw < intervalMs && !(known && done >= total))
                return;
            lastDraw = now;
            bar.update(done, payload(done));
        },
        stop(done) {
            if (stopped)
                return;
            stopped = true;
            if (done !== undefined)
                bar.update(done, payload(done));
            bar.stop();
        },
    };
}
//# sourceMappingURL=hub-progress.js.map