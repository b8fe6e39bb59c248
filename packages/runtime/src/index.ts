/**
 * Public API of @vadc/runtime: the experiment as a library (docs/ARCHITECTURE.md has the layers and the data flow).
 *
 * A program runs an experiment with `loadRecipe` + `chooseRunStart` + `runExperiment`, scores videos and streams
 * with `openDetector` + `scoreFile` / `scoreStream`, computes the metrics of any method's outputs with
 * `evaluateMetricsInput`, puts runs side by side with `compareRuns`, runs a grid with `runSweep` and renders a report
 * with `renderReport`; the `vadc` command and its queue worker call the same functions. examples/run-experiment.mjs runs one end to end.
 * Below the application come the building blocks the command line uses (backends, data, ONNX, run folders); names
 * that only the package's own files use are not exported.
 */

// The application: recipes in, experiments, detectors, sweeps and reports out (issue 25).
export { loadRecipe, diskReader, type LoadedRecipe } from './experiment/recipe-reader.ts';
export { runExperiment, type RunOptions } from './experiment/run-experiment.ts';
export { chooseRunStart, type RunStart, type RunStartRequest } from './experiment/run-start.ts';
export { compareRuns, type ComparedRun, type RunComparison } from './experiment/compare-runs.ts';
export { scoreTrainedRun, type ScoreTrainedRunOptions } from './experiment/score-trained-run.ts';
export { openDetector, type Detector, type DetectorOptions } from './detect/detector.ts';
export { describeDecisionSmoothing, type ScoredInput } from './detect/score-input.ts';
export { scoreStream, DEFAULT_RECONNECT, isStreamInput, parseFrameSize, type StreamOptions, type StreamSummary } from './detect/score-stream.ts';
export { calibrateAndStore, type CalibrateOptions } from './detect/calibrate-run.ts';
export { exportRun, type ExportOptions, type ExportedPackage } from './detect/export-run.ts';
export type { CalibrationRecord } from './detect/calibration-file.ts';
export { runSweep, evaluateGroup, groupByTraining, trainingFor, writeSweep, type SweepEntry, type SweepOptions, type SweepResultFolder, type SweepTraining } from './sweep/sweep-run.ts';
export { sweepTable } from './sweep/sweep-report.ts';
export { renderReport } from './report/render-report.ts';
export type { ReportData } from './report/types.ts';
export { importOfficialCheckpoint } from './experiment/import-checkpoint.ts';
export { CheckFailedError, InputError, UsageError, type CommandIO, type TrainingStepReport } from './run-io.ts';

// Recipes on disk and what a command says about them.
export { displayPath, formatErrorLine, recipePath, resolveOptionsFrom } from './experiment/recipe-reader.ts';
export { checkDataPresent } from './experiment/data-check.ts';
export { cpuSizedSibling, describeWork, estimateWithRecipeBackend, trainingWork } from './experiment/training-estimate.ts';
export { startProgress } from './experiment/progress.ts';

// Run folders: run.json (read here, written only by run-folder/run-state.ts), leases, files written atomically.
export { listRuns, readRun, readRunMetrics, runIdFromDate, type RunFolder, type RunRecord, type RunStatus } from './run-folder/run-folder.ts';
export { moveRun, runFolderPath, trainingFinished } from './run-folder/run-state.ts';
export { LeaseLostError, leaseDuration, type LeaseHolder, type LeaseStore, type LeaseStoreFor } from './run-folder/run-lease.ts';
export { loadTrainedModel, readTrainedRun } from './detect/trained-run.ts';

// Results: metrics.json, scores, decisions and events of a scored input, annotated frames, model packages.
export { metricsJson, perMetric, type MetricsResult } from './score/metrics-result.ts';
export { evaluateMetricsInput, type MetricsInputOptions } from './score/metrics-input.ts';
export { scoreVideo, type BatchInference, type VideoScores } from './score/score-video.ts';
export { eventsJson } from './detect/events-output.ts';
export { scoreFile, writeScoredFiles, drawScoredFile, type ScoreFileOptions, type ScoredFile, type DrawScoredOptions } from './detect/score-file.ts';
export { MANIFEST_FILE } from './detect/model-package.ts';
export { formatMetric } from './report/format.ts';

// Engines: which one trains and scores, TF.js backends, onnxruntime (an optional dependency), `vadc bench`.
export { engineOfResumedRun, engineOption, resolveEngine } from './engines/engine-choice.ts';
export { selectBackend, describeBackend } from './backend/select-backend.ts';
export { createOnnxInference } from './onnx/onnx-inference.ts';
export { loadOnnxRuntime, onnxRuntimeAvailable } from './onnx/onnxruntime.ts';
export { runBench, type BenchOptions, type BenchResult, type ModeResult } from './bench/run-bench.ts';
export { createEngine } from './engines/create-engine.ts';
export type { Engine, EngineInference } from './engine/engine.ts';
export { countOps, type ScoringPrecision } from './onnx/quantize.ts';
export { readGivenTestMasks, planTestMaskShape, TEST_MASKS_FORMAT, TestMasksError, type GivenTestMasks } from './score/given-test-masks.ts';

// The model and its inputs (what `vadc render`, `vadc export` and the bench drive directly).
export { createModel, type MaskedAutoencoder } from './model/autoencoder.ts';
export { inferBatch, predictBatch, type FrameOutputs } from './model/inference.ts';
export type { TestMaskPass } from './model/test-mask.ts';
export { createTokenMask, type TokenMask, type MaskingStrategy } from './model/masking.ts';
export { loadCheckpoint, assignWeights } from './train/state.ts';
export { Random } from './random.ts';

// Data: datasets, the input pipeline, file formats, and the errors that mean "the input is wrong" (exit status 1 or 2).
export type { VideoSource, TestBatch } from './data/types.ts';
export { openDataset } from './data/datasets.ts';
export { DataPipeline } from './data/pipeline/data-pipeline.ts';
export { inspectDataset, formatDatasetReport } from './data/inspect.ts';
export { encodeBmp } from './data/formats/bmp.ts';
export { decodePng } from './data/formats/png.ts';
export { ffmpegPath, probeVideo, encodeVideo, runFfmpeg } from './data/formats/video.ts';
export { parseNpy, writeNpy, NpyError, type NpyArray } from './data/formats/npy.ts';
export { PipelineError } from './data/pipeline/pipeline-error.ts';
export { DatasetError } from './data/readers/dataset-error.ts';
export { IntegrityError } from './integrity/sealed-file.ts';
export { FileWriteError } from './integrity/write-error.ts';
