import { createResizer } from '../packages/runtime/src/index.ts';
const frame = new Uint8Array(240 * 360 * 3).map((_, i) => (i * 7) % 251);
for (const size of [[160, 320], [320, 640]] as Array<[number, number]>) {
  const r = createResizer([240, 360], size, 3);
  for (let i = 0; i < 20; i++) r.resize(frame);
  const t = performance.now();
  for (let i = 0; i < 100; i++) r.resize(frame);
  console.log(size, ((performance.now() - t) / 100).toFixed(2), 'ms');
}
