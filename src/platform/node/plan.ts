/** Fused inference plans in Node: compiled by the native addon. */
export { tryCompileInferencePlan } from '../../backend/native/plan.js';
