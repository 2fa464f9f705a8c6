/** Models by name, like torchvision.models.get_model / list_models. */
import { ArgumentError } from '../errors.js';
import { vggBuilders } from './vgg.js';
import { resolveWeights } from './weights.js';
export function listModels() {
    return Object.keys(vggBuilders);
}
/** Builds a model by name; pretrained weights are downloaded into the torch.hub cache first when missing. */
export async function getModel(name, opts = {}) {
    const build = vggBuilders[name];
    if (!build)
        throw new ArgumentError(`unknown model "${name}"; available: ${listModels().join(', ')}`);
    const w = resolveWeights(name, opts.weights);
    if (w)
        await w.download({ progress: opts.progress ?? true, offline: opts.offline });
    const { progress: _progress, offline: _offline, ...buildOpts } = opts;
    return build(buildOpts);
}
//# sourceMappingURL=registry.js.map