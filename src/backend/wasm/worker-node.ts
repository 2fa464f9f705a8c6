/** Entry of a Node worker thread of the WebAssembly backend (started by pool-node.ts). */
import { workerData } from 'node:worker_threads';
import type { WasmWorkerInit } from './control.js';
import { serveTasks } from './worker-loop.js';

serveTasks(workerData as WasmWorkerInit);
