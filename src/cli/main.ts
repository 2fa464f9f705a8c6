#!/usr/bin/env node
/** The `vgg` command: one subcommand per file in this folder. */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-root.js';
import { registerSummary } from './summary.js';
import { registerInspect } from './inspect.js';
import { registerConvert } from './convert.js';
import { registerDownload } from './download.js';
import { registerExport } from './export.js';
import { registerInfo } from './info.js';
import { registerClassify } from './classify.js';
import { registerFeatures } from './features.js';
import { registerTrain } from './train.js';
import { EXIT_ERROR, EXIT_OK, reportError } from './errors.js';
import { allowRelaxedSimd } from '../backend/wasm/load-node.js';

// The command is a process of its own, so on Node 20, whose V8 runs relaxed SIMD only behind a flag, it
// takes the faster WebAssembly build as Node 22 and later do by default. A library user opts in with
// VGG_WASM_SIMD=relaxed; a VGG_WASM_SIMD set by the user is left to the loader.
if (!process.env.VGG_WASM_SIMD) allowRelaxedSimd();

// A reader that closed the pipe (`vgg … | head`) wants no more output: end quietly. Any other
// failure to write the output (`> /dev/full`) is one line and exit code 2.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  e.message = `cannot write the output: ${e.message}`;
  process.exit(reportError(e));
});

const program = new Command('vgg')
  .description("VGG networks (torchvision's vgg11 … vgg19_bn) in TypeScript")
  .version(packageVersion(dirname(fileURLToPath(import.meta.url))), '-V, --version')
  .showHelpAfterError('see vgg --help')
  .exitOverride();

registerSummary(program);
registerInspect(program);
registerConvert(program);
registerDownload(program);
registerExport(program);
registerInfo(program);
registerClassify(program);
registerFeatures(program);
registerTrain(program);
for (const command of program.commands) command.showHelpAfterError(`see vgg ${command.name()} --help`);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Help and --version end with exit code 0; a bad flag or argument has been printed by commander.
  if (e instanceof CommanderError) process.exit(e.exitCode === EXIT_OK ? EXIT_OK : EXIT_ERROR);
  process.exit(reportError(e));
}
