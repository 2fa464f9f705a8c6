#!/usr/bin/env node
/** The `vgg` command: one subcommand per file in this folder. */
import { Command, CommanderError } from 'commander';
import { registerSummary } from './summary.js';
import { ArgumentError, ShapeError } from '../errors.js';

const program = new Command('vgg')
  .description('VGG networks (torchvision\'s vgg11 … vgg19_bn) in TypeScript')
  .showHelpAfterError()
  .exitOverride();

registerSummary(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof ArgumentError || e instanceof ShapeError) {
    process.stderr.write(`vgg: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
