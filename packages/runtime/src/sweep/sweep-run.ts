// `vadc sweep`: every combination of a recipe's sweep grid, training one model per distinct training hash and
// evaluating combinations that differ only in scoring-only keys (scoring.*, eval.*) from that model's stored
// components (components.bin) rather than running it again (a combination with other scoring.errors kinds has its
// components computed once with the trained model). Trainings are ordinary run folders
// (runs/<name>/<sweep id>-t<k>); a finished run with the same training hash and stored components is re-used, an
// unfinished one of the same recipe is resumed. The sweep writes runs/<name>/sweep-<id>/{sweep.json,report.html}.
// Combinations are ranked by the validation metric (sweep-ranking.ts), computed for scoring-only combinations from
// the model's stored validation components (validation-components.bin, the held-out split at the kept epoch).
import { engineOfResumedRun, resolveEngine } from '../engines/engine-choice.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { trainingHash, type Plan, type SweepRun } from '@vadc/dsl';
import { createEngine } from '../engines/create-engine.ts';
import { DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { openDataset } from '../data/datasets.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { type VideoTruth } from '../data/types.ts';
import { type CommandIO } from '../run-io.ts';
import { REPORT_METRIC_NAMES, type ReportMetricName } from '../report/types.ts';
import { runExperiment, type RunOptions } from '../experiment/run-experiment.ts';
import { scoreTestVideos } from '../experiment/score-evaluate.ts';
import { loadTrainedModel } from '../detect/trained-run.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run-folder/files.ts';
import { listRuns, runIdFromDate, type RunFolder } from '../run-folder/run-folder.ts';
import { runFolderPath } from '../run-folder/run-state.ts';
import {
  COMPONENTS_FILE, PatchComponentCollector, readComponents, writeComponents, type StoredComponents,
} from '../run-folder/sweep-components.ts';
import { evaluateCombination, rankByValidation, type StoredSplit } from './sweep-ranking.ts';
import { sweepReport } from './sweep-report.ts';
import { VALIDATION_COMPONENTS_FILE } from '../experiment/validation.ts';

import type { SweepEntry, SweepMetrics, SweepSummary, SweepTraining } from './sweep-types.ts';

export type { SweepEntry, SweepMetrics, SweepSummary, SweepTraining };

/** What runSweep needs besides the expanded grid. */
export interface SweepOptions {
  /** Recipe file (absolute), recorded in sweep.json and each run's recipe.yaml. */
  recipePath: string;
  outRoot: string;
  backend: string | null;
  /** Default: the start time. */
  sweepId?: string;
  scoringOnlyKeys: string[];
  trainingKeys: string[];
}

/** The sweep's result: sweep.json's content and the folder holding it. */
export interface SweepResultFolder {
  directory: string;
  summary: SweepSummary;
}

/** Runs every combination of an expanded sweep; trains each distinct model once. */
export async function runSweep(runs: readonly SweepRun[], options: SweepOptions, io: CommandIO): Promise<SweepResultFolder> {
  const first = runs[0];
  if (first === undefined) throw new Error('the sweep has no combinations');
  const name = first.plan.name;
  const id = options.sweepId ?? runIdFromDate(new Date());
  const base = join(options.outRoot, name);
  const say = (text: string) => io.stderr(`${text}\n`);
  const groups = groupByTraining(runs);
  say(`sweep ${name}: ${runs.length} combination${runs.length === 1 ? '' : 's'}, ${groups.size} model${groups.size === 1 ? '' : 's'} to train or re-use`);

  const trainings: SweepTraining[] = [];
  const entries: SweepEntry[] = [];
  let variants: Record<string, string> | null = null;
  let firstRun: RunFolder | null = null;
  for (const [hash, group] of groups) {
    const training = trainings.length;
    const { folder, source } = await trainingFor(group, hash, `${id}-t${training}`, options, io);
    firstRun ??= folder;
    const runName = relative(base, folder.directory);
    trainings.push({ training, training_hash: hash, run: runName, source });
    say(`training t${training}: ${source} ${folder.directory}; evaluating ${group.length} combination${group.length === 1 ? '' : 's'} from ${COMPONENTS_FILE}`);
    const evaluated = await evaluateGroup(folder, group, { training, training_hash: hash, run: runName }, options, io);
    variants ??= evaluated.variants;
    entries.push(...evaluated.entries);
  }
  return writeSweep({ plan: first.plan, id, options, trainings, entries, variants: variants ?? {}, firstRun: firstRun! }, io);
}

/** The combinations of a sweep by training hash (grid order): each group shares one trained model. */
export function groupByTraining(runs: readonly SweepRun[]): Map<string, SweepRun[]> {
  const groups = new Map<string, SweepRun[]>();
  for (const run of runs) groups.set(run.trainingHash, [...(groups.get(run.trainingHash) ?? []), run]);
  return groups;
}

/** The entries of one group's combinations, evaluated from its trained model's stored components. */
export async function evaluateGroup(
  folder: RunFolder, group: readonly SweepRun[], training: Pick<SweepEntry, 'training' | 'training_hash' | 'run'>, options: SweepOptions, io: CommandIO,
): Promise<{ entries: SweepEntry[]; variants: Record<string, string> }> {
  const truth = await testTruth(group[0]!.plan);
  const validation = await validationSplit(folder, group[0]!.plan, options);
  const loaded = new Map<string, StoredComponents>(); // by error kinds: each file is read once per model
  const entries: SweepEntry[] = [];
  let variants: Record<string, string> = {};
  for (const combination of group) {
    const kinds = `${combination.plan.scoring.errors.teacher}-${combination.plan.scoring.errors.discrepancy}`;
    const stored = loaded.get(kinds) ?? (await componentsFor(folder, combination.plan, options, io));
    loaded.set(kinds, stored);
    const evaluated = evaluateCombination(combination.plan, { stored, truthOf: (video) => truth.get(video) ?? null }, validation);
    if (entries.length === 0) variants = evaluated.metrics.variants;
    entries.push({
      index: combination.index, values: combination.values, overrides: combination.overrides, hash: combination.hash, ...training,
      metrics: Object.fromEntries(REPORT_METRIC_NAMES.map((key) => [key, evaluated.metrics[key]])) as SweepMetrics,
      validation: evaluated.validation, rank: null,
    });
  }
  return { entries, variants };
}

/** What writeSweep records: the trainings and evaluated combinations of a sweep, in any order. */
export interface SweepParts {
  /** The first combination's plan (the report's recipe). */
  plan: Plan;
  id: string;
  options: SweepOptions;
  trainings: SweepTraining[];
  entries: SweepEntry[];
  variants: Record<string, string>;
  /** The first training's run folder (the report's run details). */
  firstRun: RunFolder;
}

/** Writes runs/<name>/sweep-<id>/{sweep.json,report.html}; `vadc sweep` and the queue's coordinator share it. */
export async function writeSweep(parts: SweepParts, io: CommandIO): Promise<SweepResultFolder> {
  const { plan, id, options } = parts;
  const entries = [...parts.entries].sort((a, b) => a.index - b.index);
  const trainings = [...parts.trainings].sort((a, b) => a.training - b.training);
  // Ranked by the held-out split alone: test metrics ride along in each entry and never decide.
  const ranking = rankByValidation(entries, plan.validation?.metric ?? null, plan.validation?.tolerance ?? 0);
  const summary: SweepSummary = {
    name: plan.name, id, recipe: options.recipePath, scoring_only_keys: options.scoringOnlyKeys, training_keys: options.trainingKeys,
    metric: chooseMetric(plan), trainings, ranking, runs: entries, variants: parts.variants,
  };
  const directory = runFolderPath(options.outRoot, plan.name, `sweep-${id}`);
  await writeJsonAtomic(join(directory, 'sweep.json'), summary);
  await writeFileAtomic(join(directory, 'report.html'), sweepReport(summary, plan, parts.firstRun));
  io.stdout(`sweep: ${join(directory, 'sweep.json')}\n`);
  io.stdout(`report: ${join(directory, 'report.html')}\n`);
  return { directory, summary };
}

/**
 * The stored components a combination needs: components.bin when it has the combination's error kinds
 * (scoring.errors), else components-<teacher>-<discrepancy>.bin, which is made once by scoring the test split with
 * the run's trained model.
 */
async function componentsFor(folder: RunFolder, plan: Plan, options: SweepOptions, io: CommandIO): Promise<StoredComponents> {
  const { teacher, discrepancy } = plan.scoring.errors;
  const stored = await readComponents(join(folder.directory, COMPONENTS_FILE));
  if (stored.header.errors.teacher === teacher && stored.header.errors.discrepancy === discrepancy) return stored;
  const path = join(folder.directory, `components-${teacher}-${discrepancy}.bin`);
  if (existsSync(path)) return readComponents(path);
  io.stderr(`scoring.errors teacher=${teacher} discrepancy=${discrepancy} differ from the stored components: scoring the test split again with ${folder.directory}\n`);
  await selectBackend((options.backend ?? plan.runtime.backend) as Plan['runtime']['backend'], { threads: plan.runtime.threads });
  const model = await loadTrainedModel(folder, plan);
  const pipeline = new DataPipeline(await openDataset(plan), plan, { defaultCacheDir: join(options.outRoot, '.vadc-cache') });
  try {
    const collector = new PatchComponentCollector(plan.scoring.errors);
    const engine = await resolveEngine(plan, null, options.backend ?? null, io);
    const videos = await scoreTestVideos(plan, model, pipeline, io, collector, createEngine(engine.engine));
    await writeComponents(path, videos, collector, plan.scoring.errors);
  } finally {
    await pipeline.close();
  }
  return readComponents(path);
}

/**
 * The held-out split of a trained model: its stored validation components and their truth (the pasted anomalies'
 * labels and masks, rebuilt from the plan's seed), or null when the run has no validation components.
 */
async function validationSplit(folder: RunFolder, plan: Plan, options: SweepOptions): Promise<StoredSplit | null> {
  const path = join(folder.directory, VALIDATION_COMPONENTS_FILE);
  if (plan.validation == null || !existsSync(path)) return null;
  const pipeline = new DataPipeline(await openDataset(plan), plan, { defaultCacheDir: join(options.outRoot, '.vadc-cache') });
  try {
    const truth = new Map((await pipeline.heldOutVideos()).map((video) => [video.name, video.truth]));
    return { stored: await readComponents(path), truthOf: (video) => truth.get(video) ?? null };
  } finally {
    await pipeline.close();
  }
}

/** The first of the report's metrics that the recipe asks for (micro AUC for every shipped recipe). */
function chooseMetric(plan: Plan): ReportMetricName {
  return REPORT_METRIC_NAMES.find((name) => (plan.eval.metrics as string[]).includes(name)) ?? 'micro_auc';
}

/** Ground truth of the test videos, by name (readers load it lazily; no frame is decoded). */
async function testTruth(plan: Plan): Promise<Map<string, VideoTruth | null>> {
  const source = await openDataset(plan);
  return new Map(source.test.map((video) => [video.name, video.truth]));
}

/**
 * The trained model of one group of combinations: a finished run of the same training hash that stored its
 * components, else an unfinished run of one of the group's recipes (resumed), else a new training.
 */
export async function trainingFor(
  group: readonly SweepRun[], hash: string, runId: string, options: SweepOptions, io: CommandIO, ownership: Pick<RunOptions, 'leaseStore' | 'leaseWait'> = {},
): Promise<{ folder: RunFolder; source: SweepTraining['source'] }> {
  const first = group[0]!;
  const previous = await listRuns(options.outRoot, first.plan.name);
  for (const run of previous.reverse()) {
    if (run.record.status !== 'finished' || !existsSync(join(run.directory, COMPONENTS_FILE))) continue;
    const plan = await readFile(join(run.directory, 'plan.json'), 'utf8').then((text) => JSON.parse(text) as Plan, () => null);
    if (plan !== null && (await trainingHash(plan)) === hash) return { folder: run, source: 'reused' };
  }
  const unfinished = previous.find((run) => run.record.status !== 'finished' && group.some((combination) => combination.hash === run.record.hash));
  const chosen = unfinished ? group.find((combination) => combination.hash === unfinished.record.hash)! : first;
  const recipe = { path: options.recipePath, plan: chosen.plan, hash: chosen.hash, origins: chosen.origins };
  // A resumed training goes on with the engine it started on (as `vadc run --resume`): the other engine's dropout
  // draws would make its epochs a mix of two trainings.
  const engine = unfinished ? { engine: await engineOfResumedRun(await resolveEngine(chosen.plan, null, options.backend, io), unfinished.record.engine?.train, io) } : {};
  const folder = await runExperiment(recipe, { outRoot: options.outRoot, backend: options.backend, resumeFrom: unfinished ?? null, trainOnly: false, runId, ...engine, ...ownership }, io);
  return { folder, source: unfinished ? 'resumed' : 'trained' };
}
