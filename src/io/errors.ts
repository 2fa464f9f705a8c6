/**
 * Errors raised while reading or writing checkpoint files.
 *
 * Every problem caused by the *content* of a file (truncation, corruption,
 * hostile constructs, unsupported features) surfaces as a CheckpointError or
 * one of its subclasses, so callers can tell "bad file" apart from bugs and
 * environment failures with a single `instanceof` test.
 */

import { VggError } from '../errors.js';

export interface CheckpointErrorOptions {
  /** Byte offset in the file (or in the sub-stream named by `where`) where the problem was found. */
  offset?: number;
  /** Which part of the file: e.g. a zip entry name, "data.pkl", "safetensors header". */
  where?: string;
  cause?: unknown;
}

function decorate(message: string, opts: CheckpointErrorOptions | undefined): string {
  // Location goes into the message itself so it survives logging that only prints `.message`.
  let text = message;
  if (opts?.where !== undefined) text = `${opts.where}: ${text}`;
  if (opts?.offset !== undefined) text = `${text} (at byte ${opts.offset})`;
  return text;
}

export class CheckpointError extends VggError {
  override name = 'CheckpointError';
  readonly offset?: number;
  readonly where?: string;

  constructor(message: string, opts?: CheckpointErrorOptions) {
    super(decorate(message, opts), opts?.cause === undefined ? undefined : { cause: opts.cause });
    if (opts?.offset !== undefined) this.offset = opts.offset;
    if (opts?.where !== undefined) this.where = opts.where;
  }
}

/** Malformed or unsupported ZIP container (bad records, CRC mismatch, zip bombs…). */
export class ZipError extends CheckpointError {
  override name = 'ZipError';
}

/** Malformed pickle stream, or one that exceeds the unpickler's resource limits. */
export class PickleError extends CheckpointError {
  override name = 'PickleError';
}

/** The pickle names a global outside the allowlist; nothing was imported or executed. */
export class ForbiddenGlobalError extends PickleError {
  override name = 'ForbiddenGlobalError';
  /** The refused global as `module.name`. */
  readonly global: string;

  constructor(global: string, opts?: CheckpointErrorOptions) {
    super(`forbidden global '${global}': only tensor-rebuilding globals are allowed`, opts);
    this.global = global;
  }
}

/** Malformed safetensors file (header, offsets, dtypes…). */
export class SafetensorsError extends CheckpointError {
  override name = 'SafetensorsError';
}
