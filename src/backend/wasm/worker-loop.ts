/** A worker thread's side of control.ts: instantiate the module on the shared memory and serve tasks. */
import { ARGS, CODE, CONTROL_INTS, DONE, FAILED, MAILBOX, NT, READY, TID, type WasmWorkerInit } from './control.js';

type RunTask = (code: number, args: number, tid: number, nt: number) => void;

/** Never returns: sleeps on the worker's mailbox between tasks (the host must allow Atomics.wait). */
export function serveTasks(init: WasmWorkerInit): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const runTask = instance.exports.runTask as RunTask;
  const control = new Int32Array(init.memory.buffer, init.control, CONTROL_INTS);
  const w = init.worker;
  Atomics.store(control, READY + w, 1);
  for (;;) {
    Atomics.wait(control, MAILBOX + w, 0);
    if (Atomics.load(control, MAILBOX + w) === 0) continue;
    try {
      runTask(Atomics.load(control, CODE), Atomics.load(control, ARGS), control[TID + w], Atomics.load(control, NT));
    } catch {
      Atomics.store(control, FAILED, 1);
    } finally {
      Atomics.store(control, MAILBOX + w, 0);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  }
}
