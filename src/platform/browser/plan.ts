/** No fused plans in a browser yet: models run layer by layer on the registered backend. */
import type * as node from '../node/plan.js';

export const tryCompileInferencePlan: typeof node.tryCompileInferencePlan = () => ({
  plan: null,
  reason: 'fused inference plans need the native addon, which a browser does not have',
});
