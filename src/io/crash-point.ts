/**
 * A hook for crash-safety tests: with VGG_CRASH_AT=k in the environment, the
 * k-th call in this process kills it with SIGKILL, as `kill -9` or a power cut
 * would at that point. Saves call it after every write and every rename, so a
 * test can stop a run at each step of a save and check what a resume finds.
 * Without the variable it does nothing.
 */
const crashAt = Number(process.env.VGG_CRASH_AT ?? 0);
let reached = 0;

export function crashPoint(): void {
  if (crashAt > 0 && ++reached === crashAt) process.kill(process.pid, 'SIGKILL');
}
