/**
 * The download progress bar used by `hub.ts`: a cli-progress bar on stderr showing
 * bytes done / total, average speed and time left. It draws only when asked to AND the
 * stream is a terminal; otherwise every method is a no-op and nothing is written.
 */
export interface ByteProgress {
    /** Report the total number of bytes received so far. */
    update(bytesDone: number): void;
    /** Finish the bar, drawing `bytesDone` first if given (the last frame stays on screen). */
    stop(bytesDone?: number): void;
}
export interface ByteProgressOptions {
    /** Draw at all? (`progress` option of the caller.) */
    enabled: boolean;
    /** Expected size in bytes, or null when the server did not say. */
    total: number | null;
    /** Short label printed in front of the bar, usually the file name. */
    label: string;
    /** Where to draw; defaults to process.stderr. Drawing needs `stream.isTTY`. */
    stream?: NodeJS.WritableStream & {
        isTTY?: boolean;
    };
    /** Minimum time between bar updates in ms (default 100). */
    intervalMs?: number;
}
/** Human-readable byte count with binary units: `512 B`, `1.5 KiB`, `527.8 MiB`. */
export declare function formatBytes(bytes: number): string;
/** Create a byte progress bar, or a silent stand-in when disabled or not on a terminal. */
export declare function createByteProgress(opts: ByteProgressOptions): ByteProgress;
