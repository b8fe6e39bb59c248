// The frame-difference baseline on the synthetic benchmark: micro frame AUC of score(t) = mean |f(t) - f(t-1)|.
// Run: node --conditions=source --import ./bench/register-ts.mjs bench/synthetic-baseline.ts [seed] [frames] [HxW]
//  or: ... bench/synthetic-baseline.ts recipes/quickstart.yaml   (the recipe's own synthetic test videos)
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveRecipe, type SyntheticDataPlan } from '../packages/dsl/src/index.ts';
import { frameDifferenceAuc } from '../packages/runtime/src/data/synthetic/frame-difference-baseline.ts';
import { syntheticDataset } from '../packages/runtime/src/data/synthetic/synthetic-dataset.ts';

async function recipeSynthetic(path: string): Promise<SyntheticDataPlan> {
  const reader = { readFile: (file: string) => readFile(file, 'utf8'), exists: (file: string) => stat(file).then(() => true, () => false) };
  const resolved = await resolveRecipe(resolve(path), { reader });
  if (!resolved.ok || resolved.plan.data.synthetic === null) throw new Error(`${path}: not a valid synthetic-data recipe`);
  return resolved.plan.data.synthetic;
}

const fromRecipe = process.argv[2]?.endsWith('.yaml') ? await recipeSynthetic(process.argv[2]) : null;
const seed = Number(process.argv[2] ?? 7);
const frames = Number(process.argv[3] ?? 200);
const [height, width] = (process.argv[4] ?? '240x360').split('x').map(Number) as [number, number];
const anomalies = ['running', 'wrong-direction', 'loitering', 'vehicle', 'thrown-object'] as const;
const plan: SyntheticDataPlan = fromRecipe ?? { seed, train_videos: 0, test_videos: 6, frames, resolution: [height, width], walkers: [2, 6], anomalies: [...anomalies] };
const started = performance.now();
const source = syntheticDataset(plan);
let anomalous = 0;
let total = 0;
for (const video of source.test) {
  anomalous += video.truth?.labels.reduce((sum, label) => sum + label, 0) ?? 0;
  total += video.frameCount;
}
const auc = await frameDifferenceAuc(source);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seed: plan.seed, videos: plan.test_videos, frames: plan.frames, resolution: plan.resolution, anomalousShare: +(anomalous / total).toFixed(3), frameDifferenceMicroAuc: auc === null ? null : +auc.toFixed(4), seconds: +seconds.toFixed(1) }));
