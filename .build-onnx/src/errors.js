/** Typed errors for bad input: each names what was wrong and where. */
/** An argument has the wrong shape, rank or size for the operation or layer receiving it. */
export class ShapeError extends Error {
    name = 'ShapeError';
    /** Names of the modules the error passed through, outermost first ('features', '0'). */
    modulePath = [];
    detail;
    constructor(detail) {
        super(detail);
        this.detail = detail;
    }
    /** Called by containers as the error leaves a child, so the message names the layer. */
    enterModule(name) {
        this.modulePath.unshift(name);
        this.message = `${this.modulePath.join('.')}: ${this.detail}`;
    }
}
/** A state dict does not fit a module: every problem is listed in one message. */
export class StateDictError extends Error {
    missingKeys;
    unexpectedKeys;
    shapeMismatches;
    name = 'StateDictError';
    constructor(missingKeys, unexpectedKeys, shapeMismatches, moduleName) {
        const parts = [];
        if (missingKeys.length)
            parts.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
        if (unexpectedKeys.length)
            parts.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
        for (const m of shapeMismatches) {
            parts.push(`size mismatch for ${m.key}: copying a param with shape [${m.got.join(', ')}] from checkpoint, ` +
                `the shape in current model is [${m.expected.join(', ')}].`);
        }
        super(`Error(s) in loading state_dict for ${moduleName}:\n\t${parts.join('\n\t')}`);
        this.missingKeys = missingKeys;
        this.unexpectedKeys = unexpectedKeys;
        this.shapeMismatches = shapeMismatches;
    }
}
/** A value outside what an option or argument accepts. */
export class ArgumentError extends Error {
    name = 'ArgumentError';
}
//# sourceMappingURL=errors.js.map