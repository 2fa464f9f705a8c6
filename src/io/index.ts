/** Checkpoint file formats: PyTorch (.pth/.pt, both layouts) and safetensors, read safely in pure TypeScript. */
export {
  CheckpointError,
  ZipError,
  PickleError,
  SafetensorsError,
  ForbiddenGlobalError,
  type CheckpointErrorOptions,
} from './errors.js';
export {
  type DType,
  type RawTensor,
  type StateDict,
  DTYPES,
  isDType,
  itemSize,
  shapeNumel,
  byteLength,
  toFloat32,
  fromFloat32,
} from './raw-tensor.js';
export { readZip, writeZip, ZipEntry, type ZipReadOptions, type ZipWriteEntry, type ZipWriteOptions } from './zip.js';
export {
  unpickle,
  PyTuple,
  PyGlobal,
  NOT_HANDLED,
  DEFAULT_ALLOWED_GLOBALS,
  type PyValue,
  type UnpickleOptions,
  type UnpickleResult,
} from './pickle.js';
export { readPth, readPthObject, pthLayout, type ReadPthOptions, type PthLayout } from './pth.js';
export { TensorRef } from './pth-tensors.js';
export { writePth, type WritePthOptions } from './pth-writer.js';
export { readSafetensors, writeSafetensors, MAX_HEADER_BYTES, type SafetensorsContent } from './safetensors.js';
export { detectFormat, readStateDict, readStateDictFile, type CheckpointFormat } from './load.js';
export { crc32 } from './crc32.js';
