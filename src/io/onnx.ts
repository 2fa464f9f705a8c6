/**
 * ONNX export: any model built from this library's layers (VGG, Sequential and
 * the leaf layers below) written as an ONNX ModelProto, encoded here without a
 * protobuf library.
 *
 * What is exported is the inference (eval-mode) graph, whatever
 * `model.training` says, and the model itself is left untouched:
 * - Dropout is omitted (it is the identity in eval mode);
 * - BatchNorm2d normalizes with its running statistics (a BatchNorm2d built
 *   with trackRunningStats: false has none and is refused).
 *
 * The model is read through its lowering (src/models/lower.ts), which also
 * decides which models can be exported. Spatial sizes are static, fixed by
 * `inputShape`, so that mismatches (wrong channel count, a map too small to
 * pool) are reported at export time, naming the layer. The batch dimension is fixed
 * too unless `dynamicBatch` is set, in which case it is the symbolic 'batch'.
 *
 * Layer mapping:
 *   Conv2d → Conv; BatchNorm2d → BatchNormalization; ReLU → Relu;
 *   MaxPool2d → MaxPool (ceil mode as floor mode plus end padding where ONNX's
 *   ceil formula would count one window more than PyTorch); Linear → Gemm(transB=1) (MatMul + Add for inputs of
 *   rank > 2); Flatten → Flatten(axis=1) (or Reshape); Dropout → nothing;
 *   AdaptiveAvgPool2d → Identity (same size), AveragePool (input a multiple of
 *   the output), or else Reshape → MatMul with a constant pooling matrix →
 *   Reshape, reproducing PyTorch's adaptive bins exactly.
 * Weights become initializers named by their state-dict keys ('features.0.weight').
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Module } from '../nn/module.js';
import { lowerModel, LoweringError } from '../models/lower.js';
import type {
  AdaptiveAvgPoolStep,
  BatchNormStep,
  ConvStep,
  FlattenStep,
  LayerStep,
  LinearStep,
  MaxPoolStep,
} from '../backend/graph.js';
import { adaptiveBin } from '../backend/adaptive-bin.js';
import { ProtoWriter } from './onnx-protobuf.js';

export interface ExportOnnxOptions {
  /** [N, C, H, W] of the input; H and W fix every spatial size in the graph. Default [1, 3, 224, 224]. */
  inputShape?: [number, number, number, number];
  /** Make the batch dimension symbolic ('batch') instead of inputShape[0]. Default false. */
  dynamicBatch?: boolean;
  /** The default-domain opset to target, ONNX_MIN_OPSET … ONNX_MAX_OPSET. Default 17. */
  opset?: number;
  /** Name of the graph input. Default 'input'. */
  inputName?: string;
  /** Name of the graph output. Default 'output'. */
  outputName?: string;
  /** ModelProto.producer_name. Default 'vgg-ts'. */
  producerName?: string;
}

/** The model holds a layer that cannot be exported, or the options are invalid. */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
  /** The dotted path of the offending module ('features.3'), when the error is about one. */
  readonly modulePath: string | undefined;

  constructor(message: string, modulePath?: string) {
    super(message);
    this.modulePath = modulePath;
  }
}

export const ONNX_MIN_OPSET = 13;
/** The newest default-domain opset accepted (ONNX 1.20); the ops used here have kept their semantics through it. */
export const ONNX_MAX_OPSET = 25;
export const ONNX_DEFAULT_OPSET = 17;

/** ModelProto.ir_version for an opset: 8 up to opset 18, then the IR version ONNX released with that opset (9 for 19–20, 10 for 21–22, 11, 12, 13). */
export function onnxIrVersion(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset === 23) return 11;
  return opset === 24 ? 12 : 13;
}

/** Serialized protobuf messages may not exceed 2 GiB − 1 (the limit protobuf parsers enforce). */
const MAX_PROTO_BYTES = 0x7fffffff;

// TensorProto.DataType
const FLOAT = 1;
const INT64 = 7;
// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

type Attr =
  | { name: string; type: typeof ATTR_FLOAT; value: number }
  | { name: string; type: typeof ATTR_INT; value: number }
  | { name: string; type: typeof ATTR_FLOATS; value: readonly number[] }
  | { name: string; type: typeof ATTR_INTS; value: readonly number[] };

const int = (name: string, value: number): Attr => ({ name, type: ATTR_INT, value });
const ints = (name: string, value: readonly number[]): Attr => ({ name, type: ATTR_INTS, value });
const float = (name: string, value: number): Attr => ({ name, type: ATTR_FLOAT, value });

interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Attr[];
}

interface InitializerSpec {
  name: string;
  dims: readonly number[];
  dataType: typeof FLOAT | typeof INT64;
  raw: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function float32Raw(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function int64Raw(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

interface ResolvedOptions {
  inputShape: [number, number, number, number];
  dynamicBatch: boolean;
  opset: number;
  inputName: string;
  outputName: string;
  producerName: string;
}

function resolveOptions(opts: ExportOnnxOptions | undefined): ResolvedOptions {
  if (opts !== undefined && (opts === null || typeof opts !== 'object'))
    throw new OnnxExportError('export options must be an object');
  const o = opts ?? {};
  const inputShape = o.inputShape ?? [1, 3, 224, 224];
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 4 ||
    !inputShape.every((d) => Number.isSafeInteger(d) && d > 0)
  ) {
    throw new OnnxExportError(`inputShape must be 4 positive integers [N, C, H, W], got ${JSON.stringify(inputShape)}`);
  }
  const opset = o.opset ?? ONNX_DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < ONNX_MIN_OPSET || opset > ONNX_MAX_OPSET) {
    throw new OnnxExportError(
      `opset must be an integer from ${ONNX_MIN_OPSET} to ${ONNX_MAX_OPSET}, got ${JSON.stringify(opset)}`,
    );
  }
  if (o.dynamicBatch !== undefined && typeof o.dynamicBatch !== 'boolean') {
    throw new OnnxExportError(`dynamicBatch must be a boolean, got ${JSON.stringify(o.dynamicBatch)}`);
  }
  const names = {
    inputName: o.inputName ?? 'input',
    outputName: o.outputName ?? 'output',
    producerName: o.producerName ?? 'vgg-ts',
  };
  for (const [what, v] of Object.entries(names)) {
    const ok = typeof v === 'string' && (what === 'producerName' || v !== '');
    if (!ok)
      throw new OnnxExportError(
        `${what} must be a ${what === 'producerName' ? '' : 'non-empty '}string, got ${JSON.stringify(v)}`,
      );
  }
  if (names.inputName === names.outputName)
    throw new OnnxExportError(`inputName and outputName must differ, both are "${names.inputName}"`);
  return { inputShape: [...inputShape], dynamicBatch: o.dynamicBatch ?? false, opset, ...names };
}

/** Builds the node list while walking the model, tracking the current value and its static shape. */
class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  /** Every value, initializer and node name taken so far (one namespace keeps them all distinct). */
  private readonly taken = new Set<string>();
  private readonly initByData = new Map<Float32Array, { name: string; dims: number[] }>();
  private readonly initNames = new Set<string>();
  current: string;
  /** Static shape of `current`; dim 0 is the batch (inputShape[0], symbolic when dynamicBatch). */
  shape: number[];

  constructor(
    readonly opts: ResolvedOptions,
    reserved: Iterable<string>,
  ) {
    for (const name of reserved) this.taken.add(name);
    this.taken.add(opts.inputName);
    this.taken.add(opts.outputName);
    this.current = opts.inputName;
    this.shape = [...opts.inputShape];
  }

  /** `base`, or `base_1`, `base_2`, … if taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** A parameter or buffer as an initializer under its state-dict key; an array shared by two layers is stored once. */
  weight(key: string, data: Float32Array, dims: readonly number[]): string {
    const known = this.initByData.get(data);
    if (known && known.dims.join() === dims.join()) return known.name;
    const name = this.initNames.has(key) ? this.unique(key) : key;
    this.taken.add(name);
    this.initNames.add(name);
    this.initByData.set(data, { name, dims: [...dims] });
    this.initializers.push({ name, dims: [...dims], dataType: FLOAT, raw: float32Raw(data) });
    return name;
  }

  constFloat(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, dataType: FLOAT, raw: float32Raw(data) });
    return name;
  }

  constInt64(base: string, values: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims: [values.length], dataType: INT64, raw: int64Raw(values) });
    return name;
  }

  /** Adds a node reading `inputs` and producing one new value, named after the layer path and op. */
  node(path: string, opType: string, inputs: string[], attrs: Attr[] = []): string {
    const base = path ? `${path}/${opType}` : opType;
    const name = this.unique(base);
    const output = this.unique(`${base}_output`);
    this.nodes.push({ opType, name, inputs, outputs: [output], attrs });
    return output;
  }

  /** Applies a node to the current value and makes its output current. */
  apply(path: string, opType: string, extraInputs: string[], attrs: Attr[], outShape: number[]): void {
    this.current = this.node(path, opType, [this.current, ...extraInputs], attrs);
    this.shape = outShape;
  }

  /** Routes the final value to the graph output name. */
  finish(): void {
    const last = this.nodes.find((n) => n.outputs.includes(this.current));
    if (!last) {
      // Nothing ran (only Dropouts, or an empty Sequential): the output is the input.
      this.nodes.push({
        opType: 'Identity',
        name: this.unique('Identity'),
        inputs: [this.current],
        outputs: [this.opts.outputName],
        attrs: [],
      });
    } else {
      last.outputs = last.outputs.map((o) => (o === this.current ? this.opts.outputName : o));
    }
    this.current = this.opts.outputName;
  }
}

/** Emits the nodes of each lowered step; the lowering has already checked every shape. */
class Exporter {
  constructor(private readonly b: GraphBuilder) {}

  /** A step's output shape with the batch in front (all sizes are known: the input shape is). */
  private outShape(step: LayerStep): number[] {
    return [this.b.opts.inputShape[0], ...(step.outShape as number[])];
  }

  private key(step: LayerStep, name: string): string {
    return step.path ? `${step.path}.${name}` : name;
  }

  emit(step: LayerStep): void {
    switch (step.op) {
      case 'conv':
        return this.conv(step);
      case 'batchnorm':
        return this.batchNorm(step);
      case 'relu':
        return this.b.apply(step.path, 'Relu', [], [], this.outShape(step));
      case 'maxpool':
        return this.maxPool(step);
      case 'adaptiveavgpool':
        return this.adaptiveAvgPool(step);
      case 'linear':
        return this.linear(step);
      case 'flatten':
        return this.flatten(step);
      case 'dropout':
        // Identity at inference: nothing to emit.
        return;
    }
  }

  private conv(step: ConvStep): void {
    const [kh, kw] = step.kernel;
    const [sh, sw] = step.stride;
    const [ph, pw] = step.padding;
    const [dh, dw] = step.dilation;
    const inputs = [this.b.weight(this.key(step, 'weight'), step.weight, [step.outChannels, step.inChannels, kh, kw])];
    if (step.bias) inputs.push(this.b.weight(this.key(step, 'bias'), step.bias, [step.outChannels]));
    this.b.apply(
      step.path,
      'Conv',
      inputs,
      [
        ints('dilations', [dh, dw]),
        int('group', 1),
        ints('kernel_shape', [kh, kw]),
        ints('pads', [ph, pw, ph, pw]),
        ints('strides', [sh, sw]),
      ],
      this.outShape(step),
    );
  }

  private batchNorm(step: BatchNormStep): void {
    const c = step.channels;
    const prefix = step.path ? `${step.path}/` : '';
    const scale = step.weight
      ? this.b.weight(this.key(step, 'weight'), step.weight, [c])
      : this.b.constFloat(`${prefix}scale`, [c], new Float32Array(c).fill(1));
    const bias = step.bias
      ? this.b.weight(this.key(step, 'bias'), step.bias, [c])
      : this.b.constFloat(`${prefix}B`, [c], new Float32Array(c));
    const mean = this.b.weight(this.key(step, 'running_mean'), step.mean, [c]);
    const variance = this.b.weight(this.key(step, 'running_var'), step.variance, [c]);
    this.b.apply(
      step.path,
      'BatchNormalization',
      [scale, bias, mean, variance],
      [float('epsilon', step.eps)],
      this.outShape(step),
    );
  }

  private maxPool(step: MaxPoolStep): void {
    const [, h, w] = step.inShape as number[];
    const [, outH, outW] = step.outShape as number[];
    const [kh, kw] = step.kernel;
    const [sh, sw] = step.stride;
    const [ph, pw] = step.padding;
    const [dh, dw] = step.dilation;
    // (A window lying wholly in padding, possible only with dilation, gives −inf here and −FLT_MAX in onnxruntime.)
    let ceilMode = step.ceilMode;
    let pads = [ph, pw, ph, pw];
    if (ceilMode) {
      // PyTorch drops a last window that would start in the right padding; ONNX's shape formula
      // (opsets < 22) does not, though onnxruntime's kernel does. Where the two sizes differ, say the
      // same thing portably: floor mode with just enough end padding (padding reads as −inf).
      const plain = (size: number, k: number, st: number, pad: number, d: number): number =>
        Math.ceil((size + 2 * pad - d * (k - 1) - 1) / st) + 1;
      const endPad = (size: number, k: number, st: number, pad: number, d: number, out: number): number =>
        Math.max(0, (out - 1) * st + d * (k - 1) + 1 - size - pad);
      const [eh, ew] = [endPad(h, kh, sh, ph, dh, outH), endPad(w, kw, sw, pw, dw, outW)];
      const differs = plain(h, kh, sh, ph, dh) !== outH || plain(w, kw, sw, pw, dw) !== outW;
      // onnxruntime requires every pad to be smaller than the kernel.
      if (differs && eh < kh && ew < kw) {
        ceilMode = false;
        pads = [ph, pw, eh, ew];
      }
    }
    this.b.apply(
      step.path,
      'MaxPool',
      [],
      [
        int('ceil_mode', ceilMode ? 1 : 0),
        ints('dilations', [dh, dw]),
        ints('kernel_shape', [kh, kw]),
        ints('pads', pads),
        ints('strides', [sh, sw]),
      ],
      this.outShape(step),
    );
  }

  private adaptiveAvgPool(step: AdaptiveAvgPoolStep): void {
    const path = step.path;
    const [c, h, w] = step.inShape as number[];
    const [, oh, ow] = step.outShape as number[];
    const n = this.b.opts.inputShape[0];
    const outShape = this.outShape(step);
    if (h === oh && w === ow) {
      this.b.apply(path, 'Identity', [], [], outShape);
    } else if (h % oh === 0 && w % ow === 0) {
      // Every bin is a whole (h/oh)×(w/ow) block: a plain average pool.
      const k = [h / oh, w / ow];
      this.b.apply(
        path,
        'AveragePool',
        [],
        [
          int('ceil_mode', 0),
          int('count_include_pad', 0),
          ints('kernel_shape', k),
          ints('pads', [0, 0, 0, 0]),
          ints('strides', k),
        ],
        outShape,
      );
    } else {
      // Uneven or overlapping bins (including up-sampling, e.g. 4×4 → 7×7): y = x·P with
      // P[h·w, oh·ow] holding 1/|bin| where input pixel (iy, ix) falls in output bin (oy, ox).
      const pool = new Float32Array(h * w * oh * ow);
      for (let oy = 0; oy < oh; oy++) {
        const [y0, y1] = adaptiveBin(oy, oh, h);
        for (let ox = 0; ox < ow; ox++) {
          const [x0, x1] = adaptiveBin(ox, ow, w);
          const share = 1 / ((y1 - y0) * (x1 - x0));
          const col = oy * ow + ox;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) pool[(iy * w + ix) * oh * ow + col] = share;
          }
        }
      }
      const prefix = path ? `${path}/` : '';
      const matrix = this.b.constFloat(`${prefix}pool_matrix`, [h * w, oh * ow], pool);
      // 0 in a Reshape shape copies that input dim, so a dynamic batch passes through.
      const flat = this.b.constInt64(`${prefix}flat_shape`, [0, c, h * w]);
      const unflat = this.b.constInt64(`${prefix}pooled_shape`, [0, c, oh, ow]);
      this.b.apply(path, 'Reshape', [flat], [], [n, c, h * w]);
      this.b.apply(path, 'MatMul', [matrix], [], [n, c, oh * ow]);
      this.b.apply(path, 'Reshape', [unflat], [], outShape);
    }
  }

  private linear(step: LinearStep): void {
    const outShape = this.outShape(step);
    const weight = this.b.weight(this.key(step, 'weight'), step.weight, [step.outFeatures, step.inFeatures]);
    const bias = step.bias ? this.b.weight(this.key(step, 'bias'), step.bias, [step.outFeatures]) : null;
    if (step.inShape.length === 1) {
      this.b.apply(
        step.path,
        'Gemm',
        bias ? [weight, bias] : [weight],
        [float('alpha', 1), float('beta', 1), int('transB', 1)],
        outShape,
      );
      return;
    }
    // Gemm is 2-D only; over higher ranks, y = x·Wᵀ (+ b) on the last axis.
    const wt = this.b.node(step.path, 'Transpose', [weight], [ints('perm', [1, 0])]);
    this.b.apply(step.path, 'MatMul', [wt], [], outShape);
    if (bias) this.b.apply(step.path, 'Add', [bias], [], outShape);
  }

  /** torch.flatten(x, startDim, endDim), startDim ≥ 1 (the lowering refuses flattening into the batch). */
  private flatten(step: FlattenStep): void {
    if (step.startDim === step.endDim) return;
    const outShape = this.outShape(step);
    if (step.startDim === 1 && step.endDim === step.inShape.length) {
      this.b.apply(step.path, 'Flatten', [], [int('axis', 1)], outShape);
    } else {
      const target = this.b.constInt64(`${step.path ? `${step.path}/` : ''}shape`, [0, ...outShape.slice(1)]);
      this.b.apply(step.path, 'Reshape', [target], [], outShape);
    }
  }
}

function writeAttr(w: ProtoWriter, a: Attr): void {
  w.string(1, a.name);
  w.int(20, a.type);
  switch (a.type) {
    case ATTR_FLOAT:
      w.float(2, a.value);
      break;
    case ATTR_INT:
      w.int(3, a.value);
      break;
    case ATTR_FLOATS:
      w.floats(7, a.value);
      break;
    case ATTR_INTS:
      w.ints(8, a.value);
      break;
  }
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attrs) w.message(5, (aw) => writeAttr(aw, a));
}

function writeTensor(w: ProtoWriter, t: InitializerSpec): void {
  w.ints(1, t.dims);
  w.int(2, t.dataType);
  w.string(8, t.name);
  w.bytes(9, t.raw);
}

/** ValueInfoProto for a float tensor; dim 0 is the symbolic 'batch' when dynamic. */
function writeValueInfo(w: ProtoWriter, name: string, shape: readonly number[], dynamicBatch: boolean): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (tshape) => {
        shape.forEach((d, i) =>
          tshape.message(1, (dim) => {
            if (i === 0 && dynamicBatch) dim.string(2, 'batch');
            else dim.int(1, d);
          }),
        );
      });
    }),
  );
}

/** Serializes `model`'s inference graph as an ONNX ModelProto. The model is not modified. */
export function exportOnnxBytes(model: Module, opts?: ExportOnnxOptions): Uint8Array {
  if (!(model instanceof Module)) throw new OnnxExportError('exportOnnx needs a Module');
  const o = resolveOptions(opts);
  const stateKeys = new Set(model.stateDict().keys());
  for (const name of [o.inputName, o.outputName]) {
    if (stateKeys.has(name))
      throw new OnnxExportError(`"${name}" names a weight of the model; choose another input/output name`);
  }
  let graph;
  try {
    graph = lowerModel(model, o.inputShape);
  } catch (e) {
    if (e instanceof LoweringError) throw new OnnxExportError(e.message, e.path);
    throw e;
  }
  const b = new GraphBuilder(o, stateKeys);
  const exporter = new Exporter(b);
  for (const step of graph.steps) exporter.emit(step);
  b.finish();

  const graphName = model.typeName();
  const model_ = new ProtoWriter();
  model_.int(1, onnxIrVersion(o.opset));
  model_.string(2, o.producerName);
  model_.message(7, (g) => {
    for (const n of b.nodes) g.message(1, (nw) => writeNode(nw, n));
    g.string(2, graphName);
    for (const t of b.initializers) g.message(5, (tw) => writeTensor(tw, t));
    g.string(10, 'Inference (eval-mode) graph exported by vgg-ts: Dropout omitted, BatchNorm uses running statistics.');
    g.message(11, (v) => writeValueInfo(v, o.inputName, o.inputShape, o.dynamicBatch));
    g.message(12, (v) => writeValueInfo(v, o.outputName, b.shape, o.dynamicBatch));
  });
  model_.message(8, (op) => {
    op.string(1, '');
    op.int(2, o.opset);
  });
  if (model_.length > MAX_PROTO_BYTES) {
    throw new OnnxExportError(
      `the exported model would be ${model_.length} bytes, over the 2 GiB protobuf limit (external data is not supported)`,
    );
  }
  return model_.finish();
}

/** Writes the ONNX model to `path`, via a temporary file in the same folder renamed into place. */
export async function exportOnnx(model: Module, path: string, opts?: ExportOnnxOptions): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new OnnxExportError('exportOnnx needs a file path');
  const bytes = exportOnnxBytes(model, opts);
  const dest = resolve(path);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, dest);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
