// The recipe part of vadc under Deno: parse, resolve (extends, --set overrides, defaults) and render a recipe with
// @vadc/dsl, which imports no node: module. Training and scoring need @vadc/runtime (Node); a Deno program hands the
// resolved plan, or its YAML, to a Node process or service.
//
//   npx deno run --no-check --node-modules-dir=manual --allow-env=LOG_TOKENS,LOG_STREAM --import-map=examples/deno-import-map.json \
//     examples/recipe-deno.ts
// (the yaml package reads two LOG_ variables while parsing: the only permission it needs)
//
// Prints one JSON line: the recipe's name, its hash, its resolved image size and stage epochs, and the first lines of
// the rendered YAML.
import { createMemoryReader, planHash, renderPlanYaml, resolveRecipe } from '@vadc/dsl';

const files = {
  '/project/base.yaml': `vadc: 1
model: { patch: 8, encoder: { dim: 16, depth: 1, heads: 2 }, decoder: { dim: 16, depth: 2, heads: 2 } }
`,
  '/project/example.yaml': `vadc: 1
name: example
extends: ./base.yaml
data:
  dataset: synthetic
  size: [32, 48]
stages:
  - { name: teacher, epochs: 2, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
  - { name: student, epochs: 1, batch: 8, optimizer: { adamw: { lr: 1.0e-3 } } }
`,
};

const resolved = await resolveRecipe('/project/example.yaml', {
  reader: createMemoryReader(files),
  overrides: ['stages.0.epochs=3'],
  allowEnv: [],
  roots: [],
  env: {},
  cwd: '/project',
});
if (!resolved.ok) {
  for (const error of resolved.errors) console.error(`${error.file}:${error.line}:${error.column}  ${error.key}  ${error.message}`);
  throw new Error('invalid recipe');
}
const plan = resolved.plan;
console.log(JSON.stringify({
  name: plan.name,
  hash: await planHash(plan),
  size: plan.data.size,
  epochs: plan.stages.map((stage) => stage.epochs),
  yaml: renderPlanYaml(plan).split('\n').slice(0, 3),
}));
