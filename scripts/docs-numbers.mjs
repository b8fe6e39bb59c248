#!/usr/bin/env node
// `npm run docs:numbers`: the README's quickstart numbers (time, test metrics, the validation curve) written from a
// quickstart run, so that they cannot go stale. The numbers sit between marker comments in README.md,
//   <!-- docs:numbers NAME -->...<!-- /docs:numbers -->
// (inline, so a block can be one row of a table), and the run they come from is kept in docs/quickstart-numbers.json:
// a test checks that README.md says what that record says (`--check`), so a number edited by hand fails it.
//
//   node scripts/docs-numbers.mjs               run the quickstart afresh (`vadc run ... --new`), then write both
//   node scripts/docs-numbers.mjs --run DIR     take the numbers of a finished quickstart run folder instead
//   node scripts/docs-numbers.mjs --check       exit 1 when README.md differs from what the record gives
//   --readme FILE, --record FILE               other files than README.md and docs/quickstart-numbers.json
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the README needs of a run folder (metrics.json, run.json, plan.json): the record docs/ keeps. */
export function recordOfRun(folder) {
  const read = (name) => JSON.parse(readFileSync(join(folder, name), 'utf8'));
  const metrics = read('metrics.json');
  const run = read('run.json');
  const plan = read('plan.json');
  const validation = metrics.validation;
  return {
    run: { id: run.id, hash: run.hash, created: run.created, updated: run.updated, cores: run.machine.cores, cpu: run.machine.cpu, train_seconds: run.timings.train },
    test: {
      videos: metrics.per_video.length, frames: metrics.per_video.reduce((sum, video) => sum + video.frames, 0),
      micro_auc: metrics.micro_auc, macro_auc: metrics.macro_auc, macro_auc_clean: metrics.macro_auc_clean, rbdc: metrics.rbdc, tbdc: metrics.tbdc, pixel_auc: metrics.pixel_auc,
    },
    speed: { engine: metrics.speed.engine, backend: metrics.speed.backend, train_fps: metrics.speed.train_fps },
    training: { train_videos: plan.data.synthetic.train_videos, stages: plan.stages.map((stage) => ({ name: stage.name, epochs: stage.epochs })) },
    validation: {
      held_out: validation.held_out.length, frames: validation.frames, anomalous_frames: validation.anomalous_frames, variant: validation.variant,
      selected: { mode: validation.selected.mode, stage: validation.selected.stage, epoch: validation.selected.epoch },
      curve: validation.curve.map((point) => ({ stage: point.stage, epoch: point.epoch, micro_auc: point.micro_auc, macro_auc: point.macro_auc, pixel_auc: point.pixel_auc })),
    },
  };
}

const auc = (value) => value.toFixed(4);
const short = (value) => value.toFixed(3);
const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;
const engineName = (speed) => (speed.engine === 'onnx' ? 'onnxruntime' : `TF.js ${speed.backend}`);

/** The text of every marked block, by name, from a record (epochs are counted from 1, as the README says them). */
export function quickstartBlocks(record) {
  const { run, test, speed, training, validation } = record;
  const date = run.created.slice(0, 10);
  const seconds = ((Date.parse(run.updated) - Date.parse(run.created)) / 1000).toFixed(1);
  const fps = speed.train_fps.toFixed(0);
  const engine = engineName(speed);
  const epochs = training.stages.map((stage) => stage.epochs).join(' + ');
  const stages = [...new Set(validation.curve.map((point) => point.stage))];
  const curve = stages.map((stage) => {
    const points = validation.curve.filter((point) => point.stage === stage);
    return `${points.map((point) => short(point.micro_auc)).join(' / ')} after ${stage} epoch${points.length === 1 ? '' : 's'} ${points.map((point) => point.epoch + 1).join(' / ')}`;
  }).join(' and ');
  const kept = validation.curve.find((point) => point.stage === validation.selected.stage && point.epoch === validation.selected.epoch);
  const generator = /with (\S+) anomalies/.exec(validation.variant)?.[1] ?? 'pasted';
  return {
    setup: `On a fresh quickstart run of ${date} (${run.cores} cores, ${run.cpu}, ${engine}${run.load === undefined ? '' : `, load average ${run.load.toFixed(1)} as it started`}; written here by \`npm run docs:numbers\`), \`vadc run recipes/quickstart.yaml\` took ${seconds} s without the install and build, ${run.train_seconds.toFixed(1)} s of it training at ${fps} frames/s, and gave a micro frame AUC of ${auc(test.micro_auc)}.`,
    'results-row': `synthetic benchmark (quickstart) | ${plural(test.videos, 'generated test video')}, ${test.frames} frames | ${auc(test.micro_auc)} | ${auc(test.macro_auc)} / ${auc(test.macro_auc_clean)} | ${auc(test.rbdc)} / ${auc(test.tbdc)} | ${auc(test.pixel_auc)} | ${epochs} epochs on ${training.train_videos - validation.held_out} of the ${training.train_videos} training videos at ${fps} frames/s (${engine}), ${plural(validation.curve.length, 'validation')} | ${seconds} s (${date}) | \`npm run quickstart\``,
    validation: `${plural(validation.held_out, 'held-out training video')}, ${validation.frames} frames, ${validation.anomalous_frames} with pasted \`${generator}\` anomalies): micro AUC ${curve} (the kept epoch, chosen as the ${validation.selected.mode}: ${validation.selected.stage} epoch ${validation.selected.epoch + 1}${kept === undefined ? '' : `, macro ${short(kept.macro_auc)}, pixel ${short(kept.pixel_auc)}`})`,
  };
}

const BLOCK = /<!-- docs:numbers ([\w-]+) -->([\s\S]*?)<!-- \/docs:numbers -->/g;

/** `text` with every marked block's content replaced by its text in `blocks`; throws on a block without text, or text without a block. */
export function rewriteBlocks(text, blocks) {
  const seen = new Set();
  const written = text.replace(BLOCK, (_, name) => {
    if (!(name in blocks)) throw new Error(`the README marks a block "${name}" that docs-numbers does not write`);
    seen.add(name);
    return `<!-- docs:numbers ${name} -->${blocks[name]}<!-- /docs:numbers -->`;
  });
  const missing = Object.keys(blocks).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`the README has no marked block for ${missing.join(', ')}`);
  return written;
}

function main() {
  const { values } = parseArgs({ options: { run: { type: 'string' }, check: { type: 'boolean' }, readme: { type: 'string' }, record: { type: 'string' } } });
  const readmePath = values.readme ?? join(repository, 'README.md');
  const recordPath = values.record ?? join(repository, 'docs', 'quickstart-numbers.json');
  const readme = readFileSync(readmePath, 'utf8');
  if (values.check) {
    const expected = rewriteBlocks(readme, quickstartBlocks(JSON.parse(readFileSync(recordPath, 'utf8'))));
    if (expected === readme) return 0;
    console.error(`docs-numbers: ${readmePath} does not say what ${recordPath} says; run npm run docs:numbers (or node scripts/docs-numbers.mjs --run <a quickstart run>)`);
    return 1;
  }
  let folder = values.run;
  let load;
  if (folder === undefined) {
    const cli = join(repository, 'packages', 'cli', 'dist', 'main.js');
    // Other work on the machine slows the run: the record keeps the load it started under, and the README says it.
    load = loadavg()[0];
    const ran = spawnSync(process.execPath, [cli, 'run', 'recipes/quickstart.yaml', '--new'], { cwd: repository, stdio: 'inherit' });
    if (ran.status !== 0) {
      console.error(`docs-numbers: the quickstart run failed (exit ${ran.status}); nothing written`);
      return 1;
    }
    folder = join(repository, 'runs', 'quickstart', 'latest');
  }
  const record = recordOfRun(folder);
  if (load !== undefined) record.run.load = load;
  writeFileSync(readmePath, rewriteBlocks(readme, quickstartBlocks(record)));
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`docs-numbers: ${readmePath} and ${recordPath} now give the numbers of run ${record.run.id}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main());
