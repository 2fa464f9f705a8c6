import * as ort from 'onnxruntime-node';
import { exportOnnxBytes } from './src/io/onnx.js';
import { randn, noGrad, nn } from './src/index.js';
let n = 0, bad = 0;
for (let k = 1; k <= 4; k++) for (let s = 1; s <= 3; s++) for (let p = 0; p <= k/2; p++) for (let d = 1; d <= 2; d++) for (let h = 1; h <= 9; h++) {
  for (const ceilMode of [false, true]) {
  const seq = new nn.Sequential(new nn.MaxPool2d([k, 2], {stride: [s, 1], padding: [p, 0], dilation: [d, 1], ceilMode}));
  const x = randn([1,2,h,3]);
  let y; try { y = noGrad(() => seq.forward(x)); } catch { continue; }
  n++;
  try {
  const sess = await ort.InferenceSession.create(exportOnnxBytes(seq, { inputShape: [1,2,h,3] }));
  const r = await sess.run({ input: new ort.Tensor('float32', x.data, [1,2,h,3]) });
  const ok = y.data.length === r.output.data.length && y.data.every((v,i)=>v===r.output.data[i]);
  if (!ok) { bad++; console.log('MISMATCH', k,s,p,d,h,ceilMode, y.shape, r.output.dims); }
  } catch (e) { bad++; console.log(k,s,p,d,h,ceilMode, 'ERR', e.message.slice(0,200)); }
  }
}
console.log(n, 'cases', bad, 'bad');
