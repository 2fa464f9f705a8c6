/** A child process for crash tests: `node tiny-run-child.js <outDir> [--resume]` runs the tiny training run. */
import { tinyTrainer } from './tiny-run.js';

const [outDir, flag] = process.argv.slice(2);
const result = await tinyTrainer(outDir, { resume: flag === '--resume' }).run();
process.stdout.write(`${result.status}\n`);
