import * as ort from 'onnxruntime-node';
import { exportOnnxBytes } from './src/io/onnx.js';
import { randn, noGrad, nn } from './src/index.js';
const seq = new nn.Sequential(new nn.MaxPool2d([2, 2], {stride: [1, 1], padding: [1, 0], dilation: [2, 1]}));
const x = randn([1,1,1,3]);
const y = noGrad(() => seq.forward(x));
const sess = await ort.InferenceSession.create(exportOnnxBytes(seq, { inputShape: [1,1,1,3] }));
const r = await sess.run({ input: new ort.Tensor('float32', x.data, [1,1,1,3]) });
console.log(y.data, r.output.data);
