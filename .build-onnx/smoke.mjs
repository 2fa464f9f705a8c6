import * as ort from 'onnxruntime-node';
import { exportOnnxBytes } from '/work/main/.build-onnx/src/io/onnx.js';
import { VGG, makeLayers, randn, noGrad, nn } from '/work/main/.build-onnx/src/index.js';
const m = new VGG(makeLayers([8,'M',16,'M'], {batchNorm:true}), { numClasses: 5 });
for (const op of [13,17,18,19,20,21,22,23]) {
  const bytes = exportOnnxBytes(m, { inputShape: [2,3,20,20], opset: op });
  try {
    const s = await ort.InferenceSession.create(bytes);
    const x = randn([2,3,20,20]);
    const r = await s.run({ input: new ort.Tensor('float32', x.data, [2,3,20,20]) });
    const y = noGrad(() => m.eval().forward(x));
    let md=0, mb=0; for (let i=0;i<y.data.length;i++){ md=Math.max(md,Math.abs(y.data[i]-r.output.data[i])); mb=Math.max(mb,Math.abs(y.data[i])); }
    console.log(op, bytes.length, md/mb);
  } catch (e) { console.log(op, 'ERR', e.message.slice(0,200)); }
}
// ceil mode / pads / dilation check
const seq = new nn.Sequential(new nn.MaxPool2d(3, {stride: 2, padding: 1, ceilMode: true}), new nn.MaxPool2d([2,3], {stride:[1,2], dilation:[2,1], ceilMode:true}), new nn.Flatten());
for (const [h,w] of [[6,6],[7,9],[8,5],[5,11]]) {
  const x = randn([1,3,h,w]);
  const y = noGrad(() => seq.eval().forward(x));
  const bytes = exportOnnxBytes(seq, { inputShape: [1,3,h,w] });
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run({ input: new ort.Tensor('float32', x.data, [1,3,h,w]) });
  console.log(h,w, y.shape, r.output.dims, y.data.every((v,i)=>v===r.output.data[i]));
}
