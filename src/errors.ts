/** Typed errors for bad input, all under one root: each names what was wrong and where. */

/**
 * The root of every error this library throws on purpose (bad input, a file that
 * does not fit, a failed download): `e instanceof VggError` tells them apart from
 * bugs and from the environment's own errors (ENOSPC, EACCES…).
 */
export class VggError extends Error {
  override name = 'VggError';
}

/** An argument has the wrong shape, rank or size for the operation or layer receiving it. */
export class ShapeError extends VggError {
  override name = 'ShapeError';
  /** Names of the modules the error passed through, outermost first ('features', '0'). */
  readonly modulePath: string[] = [];
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }

  /** Called by containers as the error leaves a child, so the message names the layer. */
  enterModule(name: string): void {
    this.modulePath.unshift(name);
    this.message = `${this.modulePath.join('.')}: ${this.detail}`;
  }
}

/** A state dict does not fit a module: every problem is listed in one message. */
export class StateDictError extends VggError {
  override name = 'StateDictError';
  /** The file the state dict was read from, when the loader knows it (set by `inFile`). */
  file?: string;

  constructor(
    readonly missingKeys: string[],
    readonly unexpectedKeys: string[],
    readonly shapeMismatches: { key: string; expected: number[]; got: number[] }[],
    readonly moduleName: string,
  ) {
    const parts: string[] = [];
    if (missingKeys.length) parts.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (unexpectedKeys.length)
      parts.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    for (const m of shapeMismatches) {
      parts.push(
        `size mismatch for ${m.key}: copying a param with shape [${m.got.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${m.expected.join(', ')}].`,
      );
    }
    super(`Error(s) in loading state_dict for ${moduleName}:\n\t${parts.join('\n\t')}`);
  }

  /** Records which file held the state dict and names it in the message. */
  inFile(path: string): this {
    this.file = path;
    this.message = `${path}: ${this.message}`;
    return this;
  }
}

/** A value outside what an option or argument accepts. */
export class ArgumentError extends VggError {
  override name = 'ArgumentError';
}
