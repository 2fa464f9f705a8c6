/** Shared by the ONNX tests: running an export in onnxruntime, comparing, and reading protobuf back. */
import * as ort from 'onnxruntime-node';
import { Tensor, nn } from '../../src/index.js';
/** max|a − b| / max|b|. */
export declare function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number;
/** Gives every BatchNorm2d random running statistics and affine parameters, so eval BN is far from the identity. */
export declare function randomizeBatchNorm(model: nn.Module): void;
/** The model's own eval-mode output (the input is copied, since in-place ReLUs may write to it). */
export declare function referenceOutput(model: nn.Module, x: Tensor): Tensor;
export declare function createSession(bytes: Uint8Array): Promise<ort.InferenceSession>;
export declare function runSession(session: ort.InferenceSession, x: Tensor, inputName?: string, outputName?: string): Promise<{
    data: Float32Array;
    dims: readonly number[];
}>;
export type Field = {
    wire: 0;
    value: bigint;
} | {
    wire: 2;
    value: Uint8Array;
} | {
    wire: 5;
    value: number;
} | {
    wire: 1;
    value: bigint;
};
/** Every field of one message by number, in order of appearance. */
export declare function decode(buf: Uint8Array): Map<number, Field[]>;
export declare const ints: (msg: Map<number, Field[]>, n: number) => number[];
export declare const int: (msg: Map<number, Field[]>, n: number) => number | undefined;
export declare const bytes: (msg: Map<number, Field[]>, n: number) => Uint8Array[];
export declare const strings: (msg: Map<number, Field[]>, n: number) => string[];
export declare const str: (msg: Map<number, Field[]>, n: number) => string | undefined;
export declare const messages: (msg: Map<number, Field[]>, n: number) => Map<number, Field[]>[];
export declare const floats: (msg: Map<number, Field[]>, n: number) => number[];
/** ValueInfoProto → name and dims (numbers for dim_value, strings for dim_param). */
export declare function valueInfo(v: Map<number, Field[]>): {
    name: string;
    elemType: number;
    dims: (number | string)[];
};
