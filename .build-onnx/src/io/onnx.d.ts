import { Module } from '../nn/module.js';
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
export declare class OnnxExportError extends Error {
    name: string;
    /** The dotted path of the offending module ('features.3'), when the error is about one. */
    readonly modulePath: string | undefined;
    constructor(message: string, modulePath?: string);
}
export declare const ONNX_MIN_OPSET = 13;
/** The newest default-domain opset accepted (ONNX 1.20); the ops used here have kept their semantics through it. */
export declare const ONNX_MAX_OPSET = 25;
export declare const ONNX_DEFAULT_OPSET = 17;
/** ModelProto.ir_version for an opset: 8 up to opset 18, then the IR version ONNX released with that opset (9 for 19–20, 10 for 21–22, 11, 12, 13). */
export declare function onnxIrVersion(opset: number): number;
/** Serializes `model`'s inference graph as an ONNX ModelProto. The model is not modified. */
export declare function exportOnnxBytes(model: Module, opts?: ExportOnnxOptions): Uint8Array;
/** Writes the ONNX model to `path`, via a temporary file in the same folder renamed into place. */
export declare function exportOnnx(model: Module, path: string, opts?: ExportOnnxOptions): Promise<void>;
