/**
 * How the CLI reports a failure: an error the library throws on purpose (a VggError)
 * or one from the environment (ENOENT, ENOSPC, EACCES…) is one line on stderr and
 * exit code 2; anything else is a bug, and its stack trace is what a bug report needs.
 */
import { ArgumentError, StateDictError, VggError } from '../errors.js';
import { DownloadError } from '../io/hub.js';

/** Exit codes of every command. */
export const EXIT_OK = 0;
/** Some inputs failed (an unreadable image, no images found); the others were handled. */
export const EXIT_SOME_FAILED = 1;
/** Nothing was done: bad arguments, a model or file that cannot be used, a failed write. */
export const EXIT_ERROR = 2;
/** A bug (an error nobody threw on purpose): BSD's EX_SOFTWARE. */
export const EXIT_BUG = 70;

/** How many key names a state dict mismatch lists per kind before "… and N more". */
const KEYS_SHOWN = 4;

/** What a user can run when the ImageNet weights cannot be downloaded. */
const OFFLINE_HINT =
  'Without a network, use the model embedded in this package (--model fashion_vgg, ' +
  '10 Fashion-MNIST classes) or a model file (--weights <file>).';

/** The files and folders given hold no image files: exit code 1, like a run whose every image failed. */
export class NoImagesError extends ArgumentError {
  override name = 'NoImagesError';
}

/** A system call failed (ENOENT, ENOSPC, EPIPE…): the environment, not a bug. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!) &&
    typeof (e as NodeJS.ErrnoException).syscall === 'string'
  );
}

function listKeys(kind: string, keys: readonly string[]): string {
  const shown = keys.slice(0, KEYS_SHOWN).join(', ');
  return `  ${kind}: ${shown}${keys.length > KEYS_SHOWN ? `, … and ${keys.length - KEYS_SHOWN} more` : ''}`;
}

function describeStateDictError(e: StateDictError): string {
  const counts = [
    e.missingKeys.length && `${e.missingKeys.length} missing`,
    e.unexpectedKeys.length && `${e.unexpectedKeys.length} unexpected`,
    e.shapeMismatches.length && `${e.shapeMismatches.length} of another shape`,
  ].filter(Boolean);
  const lines = [
    `${e.file ?? 'the state dict'} does not fit the ${e.moduleName} built here (${counts.join(', ')}); ` +
      'was it saved from another architecture or number of classes (--model, --num-classes)?',
  ];
  if (e.missingKeys.length) lines.push(listKeys('missing', e.missingKeys));
  if (e.unexpectedKeys.length) lines.push(listKeys('unexpected', e.unexpectedKeys));
  if (e.shapeMismatches.length) {
    const shapes = e.shapeMismatches.map((m) => `${m.key} [${m.got.join(', ')}] vs [${m.expected.join(', ')}]`);
    lines.push(listKeys('other shape (file vs model)', shapes));
  }
  return lines.join('\n');
}

/** The text printed for an expected error (without the "vgg: " prefix), or null for a bug. */
export function describeError(e: unknown): string | null {
  if (e instanceof StateDictError) return describeStateDictError(e);
  if (e instanceof DownloadError) return `${e.message} ${OFFLINE_HINT}`;
  if (e instanceof VggError || isSystemError(e)) return e.message.replace(/\s*\n\s*/g, ' ');
  return null;
}

/** Prints an error the way the CLI does and returns the exit code; a bug gets its stack trace. */
export function reportError(e: unknown): number {
  const text = describeError(e);
  if (text === null) {
    process.stderr.write(
      `vgg: unexpected error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}\n`,
    );
    return EXIT_BUG;
  }
  process.stderr.write(`vgg: ${text}\n`);
  return e instanceof NoImagesError ? EXIT_SOME_FAILED : EXIT_ERROR;
}
