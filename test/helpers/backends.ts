/** Which backends the shared test tables (golden ops and models, kernels) run on. */
import { listBackends } from '../../src/backend/registry.js';

/** Every registered backend, or only those VGG_TEST_BACKENDS names (comma-separated). */
export function testBackends(): string[] {
  const only = process.env.VGG_TEST_BACKENDS?.split(',').filter(Boolean);
  return only ? listBackends().filter((b) => only.includes(b)) : listBackends();
}
