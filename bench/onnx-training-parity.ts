// The onnxruntime training step against TF.js's at a recipe's real size (the CI test does it on a tiny model): one
// step of every stage from the same fresh weights, batch and masks, dropout off (the engines draw dropout
// differently). Prints the loss of each, the worst gradient difference relative to the gradient's own largest value
// (or to 1e-3 of the step's largest gradient, for gradients that are zero up to rounding), and the seconds each took.
//
// Usage (from the repository root):
//   node --conditions=source --import ./bench/register-ts.mjs bench/onnx-training-parity.ts [recipe] [--backend wasm]
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveRecipe } from '../packages/dsl/src/index.ts';
import { createModel, Random, selectBackend, type MaskedAutoencoder } from '../packages/runtime/src/index.ts';
import { OnnxTrainer } from '../packages/runtime/src/onnx/onnx-training.ts';
import { stepGradients } from '../packages/runtime/src/train/step.ts';
import { benchTrainingBatch } from '../packages/runtime/src/bench/bench-inputs.ts';

const recipe = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'bench/recipes/speed-160x320.yaml';
const backendAt = process.argv.indexOf('--backend');
await selectBackend((backendAt >= 0 ? process.argv[backendAt + 1] : 'wasm') as 'wasm', { threads: 'auto' });
const resolved = await resolveRecipe(resolve(recipe), {
  reader: { readFile: (path) => readFile(path, 'utf8'), exists: (path) => stat(path).then(() => true, () => false) },
  overrides: ['model.dropout=0'], allowEnv: [], roots: [], env: {}, cwd: process.cwd(),
});
if (!resolved.ok) throw new Error(`${recipe}: ${resolved.errors.map((e) => e.message).join('; ')}`);
const plan = resolved.plan;

const largestOf = (values: Float32Array): number => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

for (const [stageIndex, stage] of plan.stages.entries()) {
  const reference = createModel(plan);
  const candidate = createModel(plan);
  const trainable = (model: MaskedAutoencoder) => model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
  const batch = benchTrainingBatch(plan, stage.batch);
  let started = performance.now();
  const expected = await stepGradients(plan, stage, reference, batch, trainable(reference), new Random(9));
  const tfjsSeconds = (performance.now() - started) / 1000;
  const trainer = await OnnxTrainer.start(plan);
  started = performance.now();
  const actual = await trainer.stepGradients(plan, stageIndex, candidate, batch, trainable(candidate), new Random(9));
  const onnxSeconds = (performance.now() - started) / 1000;
  await trainer.close();
  const largest = Math.max(...[...expected.gradients.values()].map((g) => largestOf(g.dataSync() as Float32Array)));
  let worst = 0;
  let worstName = '';
  let worstDetail = '';
  for (const [name, gradient] of expected.gradients) {
    const want = gradient.dataSync() as Float32Array;
    const got = actual.gradients.get(name)?.dataSync() as Float32Array | undefined;
    if (got === undefined) throw new Error(`onnxruntime gave no gradient for ${name}`);
    let difference = 0;
    for (let i = 0; i < want.length; i++) difference = Math.max(difference, Math.abs((want[i] as number) - (got[i] as number)));
    const own = largestOf(want);
    const relative = difference / Math.max(own, 1e-3 * largest);
    if (relative > worst) [worst, worstName, worstDetail] = [relative, name, `its largest value ${own.toExponential(2)}, the step's ${largest.toExponential(2)}`];
  }
  console.log(`${stage.name}: loss TF.js ${expected.loss} onnxruntime ${actual.loss} (relative ${(Math.abs(expected.loss - actual.loss) / Math.abs(expected.loss)).toExponential(2)}); ` +
    `${expected.gradients.size} / ${actual.gradients.size} gradients, worst relative difference ${worst.toExponential(2)} (${worstName}: ${worstDetail}); ` +
    `first step ${tfjsSeconds.toFixed(1)} s TF.js, ${onnxSeconds.toFixed(1)} s onnxruntime (graph build included)`);
}
process.exit(0); // the threaded wasm backend's workers would keep the process alive
