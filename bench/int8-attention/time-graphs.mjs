// Times the three graphs of make-graphs.py in onnxruntime-node (2 threads, no spinning): median (min) of 9 runs,
// twice. Run from the folder holding the .onnx files: node <repo>/bench/int8-attention/time-graphs.mjs
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../packages/runtime/package.json', import.meta.url));
const ort = require('onnxruntime-node');
const B=8,H=4,L=801,D=32,E=H*D;
const rnd=(n)=>Float32Array.from({length:n},()=>Math.random()*2-1);
const opts={ intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } };
const mha=await ort.InferenceSession.create('mha.onnx',opts);
const i8=await ort.InferenceSession.create('int8.onnx',opts);
const f32=await ort.InferenceSession.create('fp32.onnx',opts);
const q=rnd(B*L*E),k=rnd(B*L*E),v=rnd(B*L*E);
const feedsM={q:new ort.Tensor('float32',q,[B,L,E]),k:new ort.Tensor('float32',k,[B,L,E]),v:new ort.Tensor('float32',v,[B,L,E])};
const qh=rnd(B*H*L*D),kt=rnd(B*H*D*L),vh=rnd(B*H*L*D);
const feedsH={q:new ort.Tensor('float32',qh,[B,H,L,D]),kt:new ort.Tensor('float32',kt,[B,H,D,L]),v:new ort.Tensor('float32',vh,[B,H,L,D])};
const time=async(s,f)=>{await s.run(f);const t=[];for(let i=0;i<9;i++){const a=performance.now();await s.run(f);t.push(performance.now()-a);}t.sort((a,b)=>a-b);return t[4].toFixed(1)+' ms (min '+t[0].toFixed(1)+')';};
for (let r=0;r<2;r++){
console.log('MHA fused', await time(mha,feedsM));
console.log('fp32 decomposed', await time(f32,feedsH));
console.log('int8 decomposed', await time(i8,feedsH));
}
