/** Typed errors for bad input: each names what was wrong and where. */

/** An argument has the wrong shape, rank or size for the operation or layer receiving it. */
export class ShapeError extends Error {
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
export class StateDictError extends Error {
  override name = 'StateDictError';
  constructor(
    readonly missingKeys: string[],
    readonly unexpectedKeys: string[],
    readonly shapeMismatches: { key: string; expected: number[]; got: number[] }[],
    moduleName: string,
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
}

/** A value outside what an option or argument accepts. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}
