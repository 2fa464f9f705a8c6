#!/usr/bin/env node
/** The `vgg` command: one subcommand per file in this folder. */
import { Command, CommanderError } from 'commander';
import { registerSummary } from './summary.js';
import { registerInspect } from './inspect.js';
import { registerConvert } from './convert.js';
import { registerDownload } from './download.js';
import { registerExport } from './export.js';
import { registerInfo } from './info.js';
import { registerClassify } from './classify.js';
import { registerFeatures } from './features.js';
import { registerTrain } from './train.js';
import { ImageError } from '../data/image.js';
import { OnnxExportError } from '../io/onnx.js';
import { CheckpointError } from '../io/errors.js';
import { DownloadError } from '../io/hub.js';
import { ArgumentError, ShapeError } from '../errors.js';

const program = new Command('vgg')
  .description("VGG networks (torchvision's vgg11 … vgg19_bn) in TypeScript")
  .showHelpAfterError()
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

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (
    e instanceof ArgumentError ||
    e instanceof ShapeError ||
    e instanceof CheckpointError ||
    e instanceof DownloadError ||
    e instanceof OnnxExportError ||
    e instanceof ImageError ||
    isFileError(e)
  ) {
    process.stderr.write(`vgg: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

function isFileError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'path' in e;
}
