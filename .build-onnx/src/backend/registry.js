import { ArgumentError } from '../errors.js';
import { createRefBackend } from './ref/index.js';
const backends = new Map();
let active = null;
registerBackend('ref', createRefBackend);
export function registerBackend(name, factory) {
    backends.set(name, factory);
}
export function listBackends() {
    return [...backends.keys()];
}
export function setBackend(name) {
    const factory = backends.get(name);
    if (!factory)
        throw new ArgumentError(`unknown backend "${name}"; available: ${listBackends().join(', ')}`);
    active = factory();
    return active;
}
/** The backend kernels run on now. */
export function backend() {
    if (!active) {
        const wanted = typeof process !== 'undefined' ? process.env.VGG_BACKEND : undefined;
        active = setBackend(wanted && backends.has(wanted) ? wanted : 'ref');
    }
    return active;
}
/** Runs `fn` with another backend active, restoring the previous one afterwards. */
export function withBackend(name, fn) {
    const previous = backend();
    setBackend(name);
    try {
        return fn();
    }
    finally {
        active = previous;
    }
}
//# sourceMappingURL=registry.js.map