// The scoring half of `vadc run` (and `vadc eval`): score the test split, write scores.csv, components.bin,
// metrics.json and report.html, and print the metrics. run-experiment.ts calls it after training.
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { createEngine } from '../engines/create-engine.ts';
import { givenMaskPasses, type GivenTestMasks } from '../score/given-test-masks.ts';
import { scoreVideo, type VideoScores } from '../score/score-video.ts';
import { type BackendReport } from '../backend/types.ts';
import { type DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { type Engine } from '../engine/engine.ts';
import type { EngineChoice } from '../engine/engine.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { type CommandIO } from '../run-io.ts';
import { metricsJson, RESULT_METRIC_NAMES } from '../score/metrics-result.ts';
import { seconds } from '../run-folder/elapsed.ts';
import { evaluateRun, type RunMetrics } from '../score/evaluate.ts';
import { writeFileAtomic } from '../run-folder/files.ts';
import { trainedEngine } from '../engines/engine-choice.ts';
import { startProgress } from './progress.ts';
import { buildReport } from './report-data.ts';
import { METRICS_FILE, type RunFolder } from '../run-folder/run-folder.ts';
import type { RunSpeed } from './run-speed.ts';
import { scoresCsv } from '../detect/scores-csv.ts';
import { COMPONENTS_FILE, PatchComponentCollector, writeComponents } from '../run-folder/sweep-components.ts';
import { validationSummary, writeValidationComponents, type ValidationSummary } from './validation.ts';

/** What scoring, evaluation and the report need from a trained run. */
export interface TrainedRun {
  run: RunFolder;
  plan: Plan;
  model: MaskedAutoencoder;
  pipeline: DataPipeline;
  backend: BackendReport;
  /** Scoring engine and why (default: tfjs, the reference); the Engine that scores is createEngine of its name. */
  engine?: EngineChoice;
  /** Test-time masks given instead of drawn (`vadc eval --test-masks`); recorded in metrics.json. */
  testMasks?: GivenTestMasks | null;
}

/** Scores the test split, writes scores.csv, components.bin, metrics.json and report.html, and records the timings. */
export async function scoreEvaluateReport(trained: TrainedRun, io: CommandIO): Promise<RunMetrics & { speed: RunSpeed; validation?: ValidationSummary }> {
  const { run, plan, model, pipeline, backend } = trained;
  const scoring = createEngine(trained.engine?.engine ?? 'tfjs');
  const engine = scoring.name;
  if (trained.engine !== undefined) run.record.engine = { ...run.record.engine, score: trained.engine };
  const trainSpeed = run.record.trainFramesPerSecond ?? null;
  const say = (text: string) => io.stdout(`${text}\n`);
  const scoreStart = performance.now();
  const collector = new PatchComponentCollector(plan.scoring.errors);
  const testMasks = trained.testMasks ?? null;
  const videos = await scoreTestVideos(plan, model, pipeline, io, collector, scoring, testMasks);
  const scoringSeconds = seconds(scoreStart);
  run.record.timings.score = scoringSeconds;
  await writeFileAtomic(join(run.directory, 'scores.csv'), scoresCsv(videos, plan));
  // Per-frame and per-patch components: `vadc sweep` re-evaluates scoring-only changes from them.
  await writeComponents(join(run.directory, COMPONENTS_FILE), videos, collector, plan.scoring.errors);
  await writeValidationComponents(run, plan, pipeline, () => scoring.openInference(model, plan));

  const evaluateStart = performance.now();
  const frames = videos.reduce((sum, video) => sum + video.frameCount, 0);
  const speed: RunSpeed = {
    train_fps: trainSpeed, infer_fps: scoringSeconds > 0 ? frames / scoringSeconds : null, engine, train_engine: trainedEngine(run.record, plan), ...(trained.engine ? { engine_choice: trained.engine } : {}),
    backend: backend.backend, threads: backend.threads, train_batch: plan.stages[0]?.batch ?? null, infer_batch: plan.scoring.batch,
  };
  const validation = await validationSummary(run, plan, pipeline);
  const metrics: RunMetrics & { speed: RunSpeed; validation?: ValidationSummary } = {
    ...evaluateRun(videos, plan), speed, ...(validation ? { validation } : {}), ...(testMasks ? { test_masks: { given: testMasks.file, sha256: testMasks.sha256 } } : {}),
  };
  await writeFileAtomic(join(run.directory, METRICS_FILE), metricsJson(metrics));
  run.record.timings.evaluate = seconds(evaluateStart);
  printMetrics(metrics, say);

  const reportStart = performance.now();
  const report = await buildReport({ run, plan, videos, metrics, model, pipeline });
  await writeFileAtomic(join(run.directory, 'report.html'), report);
  run.record.timings.report = seconds(reportStart);
  say(`report: ${join(run.directory, 'report.html')}`);
  return metrics;
}

/** Scores every test video with the run's engine, with one progress bar over all test frames (under `testMasks` when given). */
export async function scoreTestVideos(plan: Plan, model: MaskedAutoencoder, pipeline: DataPipeline, io: CommandIO, collector?: PatchComponentCollector, engine: Engine = createEngine('tfjs'), testMasks: GivenTestMasks | null = null): Promise<VideoScores[]> {
  const videos = pipeline.testVideos('test');
  // Every video's masks are checked before any is scored.
  const given = new Map(videos.map((video) => [video.name, testMasks === null ? undefined : givenMaskPasses(testMasks, video.name, video.frameCount)]));
  const { infer, release } = await engine.openInference(model, plan);
  const total = videos.reduce((sum, video) => sum + video.frameCount, 0);
  const bar = startProgress('score', total, { write: io.stderr, isTerminal: io.isTerminal, unit: 'frames' });
  const scores: VideoScores[] = [];
  for (const video of videos) {
    scores.push(await scoreVideo(video, plan, infer, {
      testMasks: given.get(video.name),
      onBatch: (outputs) => {
        bar.tick(outputs.size);
        collector?.add(video.name, video.frameCount, outputs);
      },
    }));
  }
  bar.done();
  await release();
  return scores;
}

function printMetrics(metrics: RunMetrics, say: (text: string) => void): void {
  for (const name of RESULT_METRIC_NAMES) {
    const value = metrics[name];
    if (value !== null) say(`${name.padEnd(16)} ${value.toFixed(4)}  (${metrics.variants[name] ?? ''})`);
  }
}
