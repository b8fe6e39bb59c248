/** Public API of @vadc/runtime. */

// Data pipeline: model inputs, caches, synthetic anomalies, the synthetic benchmark (issue 4).
export type { DatasetSource, VideoSource, VideoTruth, TrainingBatch, TestBatch, TestVideo } from './data/types.ts';
export { DataPipeline, trainingBatches, testVideos, type DataPipelineOptions } from './data/pipeline/data-pipeline.ts';
export { epochOrder, type TrainingBatchOptions } from './data/pipeline/training-batches.ts';
export { contextIndices, motionNeighbours, absoluteDifference } from './data/pipeline/frames.ts';
export { createResizer, type Resizer } from './data/pipeline/resize.ts';
export { DiskCache, videoIdentity, type DiskCacheStats } from './data/pipeline/disk-cache.ts';
export { LruCache } from './data/pipeline/lru-cache.ts';
export { VideoFrames } from './data/pipeline/video-frames.ts';
export { PipelineError, type PipelineErrorCode } from './data/pipeline/pipeline-error.ts';
export { anomalyGenerators, createAnomalyGenerator, type GeneratorFactory } from './data/anomalies/registry.ts';
export { listObjectSequences } from './data/anomalies/objects.ts';
export type { AnomalyGenerator, DonorFrame, DonorSource, GeneratorContext, PasteRequest, PasteResult } from './data/anomalies/types.ts';
export { syntheticDataset } from './data/synthetic/synthetic-dataset.ts';
export { heldOutVideoIds, heldOutCount, heldOutProblem, type HeldOutProblem } from './data/held-out.ts';
export { checkTestTruth, truthProblem } from './data/check-truth.ts';
export { anomalyStretches, type AnomalyStretch } from './data/validation/pasted-video.ts';
export { readSynthetic } from './data/synthetic/read-synthetic.ts';
export { frameDifferenceAuc, frameDifferenceScores } from './data/synthetic/frame-difference-baseline.ts';

// Dataset readers, formats and `vadc data inspect` (issue 4, readers).
export { datasetReaders, openDataset } from './data/datasets.ts';
export { inspectDataset, formatDatasetReport, type DatasetReport, type SplitReport, type DatasetProblem, type InspectOptions } from './data/inspect.ts';
export { DatasetError, type DatasetErrorCode } from './data/readers/dataset-error.ts';
export type { DatasetReader, ReaderOptions, SplitName } from './data/readers/reader.ts';
export { naturalCompare } from './data/readers/files.ts';
export { openImageSequence, openVideoFile, type TruthSource, type TruthLoader } from './data/readers/sources.ts';
export { TruthCache, regionsFromMasks } from './data/readers/truth.ts';
export { readMat, writeMat, maskToMat, matToMask, type MatValue, type MatNumericClass } from './data/formats/mat.ts';
export { decodeBmp, encodeBmp, type RgbImage } from './data/formats/bmp.ts';
export { decodePng } from './data/formats/png.ts';
export { readImageFile, probeImageFile, IMAGE_EXTENSIONS } from './data/formats/image.ts';
export { ffmpegPath, probeVideo, decodeVideoToFile, encodeVideo, openVideoEncoder, runFfmpeg, type VideoEncoder, type VideoProbe } from './data/formats/video.ts';
export { parseMatlabFrameLists } from './data/formats/matlab-text.ts';

// Scoring: per-frame components, their combination, per-video streaming (issue 5, scoring).
export {
  combineComponents, combinePatchMaps, concatComponents, erodeDilate, frameComponents, frameScores, frameScoring, patchComponents, scoreOutputs, upsamplePatchMaps, weightedScore,
  type FrameComponents, type FrameScoring, type PatchComponents, type ScoredFrames,
} from './score/components.ts';
export { scoreVideo, type BatchInference, type ScoreVideoOptions, type VideoScores } from './score/score-video.ts';

// Backends: selection (auto / tensorflow-gpu / tensorflow / wasm / cpu), threaded wasm, wasm kernel patches (issue 5).
export { selectBackend, describeBackend, resolveThreads } from './backend/select-backend.ts';
export { BackendError, type BackendErrorCode, type BackendOptions, type BackendReport, type BackendSkipped, type ConcreteBackend, type WasmBinary, type WasmStatus } from './backend/types.ts';
export { registerWasmKernels, wasmKernelPatches, type WasmKernelPatch } from './backend/wasm-kernels/index.ts';
export { wasmPackageFolder } from './backend/wasm-start.ts';
export { parseNpy, writeNpy, NpyError, type NpyArray, type NpyData, type NpyDtype, type NpyErrorCode } from './data/formats/npy.ts';

// The model from the Plan, training stages, checkpoints, test-time inference (issue 5, model + training).
export { createModel, forward, forwardPass, encode, type MaskedAutoencoder, type ModelOptions, type ModelOutputs } from './model/autoencoder.ts';
export type { Head, Linear, LayerNorm, BatchNorm, Attention, Block } from './model/records.ts';
export type { ModelOps, KeptGrid } from './model/ops.ts';
export { TfjsOps, type ForwardContext } from './model/tfjs-ops.ts';
export { projectionRegistry, type ProjectionDefinition } from './model/attention.ts';
export { inferBatch, predictBatch, type InferenceOptions, type FrameOutputs, type PatchErrors, type BatchPredictions } from './model/inference.ts';
export { testTimeMask, testMasksOf, testMaskPasses, FIRST_PASS, type TestMaskPass } from './model/test-mask.ts';
export { inferWithTestMasks, foldPasses } from './score/test-mask-passes.ts';
export { blockRegistry, type BlockDefinition } from './model/blocks.ts';
export { maskingRegistry, createTokenMask, type TokenMask, type MaskingStrategy, type MaskingInput } from './model/masking.ts';
export { patchGrid, patchify, unpatchify, unpatchifyPlanar, joinPatchValues, patchMotion, reconstructionTarget, type PatchGrid } from './model/patches.ts';
export { ParameterStore, type ParameterInfo, type Initializer } from './model/parameters.ts';
export type { InitStyle } from './model/layers.ts';
export { trainStage, train, startGradientSource, TrainingError, type TrainStageOptions, type TrainOptions, type StageResult, type StepReport, type EpochReport } from './train/train-stage.ts';
export { lossRegistry, reconstructionWeights, tfjsLoss, type LossContext, type LossDefinition, type LossKind, type LossSettings, type LossDataContext } from './train/losses.ts';
export { optimizerRegistry, type Optimizer, type OptimizerFactory, type OptimizerSnapshot, type NamedArray } from './train/optimizers.ts';
export { scheduleRegistry, learningRate, type Schedule } from './train/schedule.ts';
export { saveCheckpoint, loadCheckpoint, assignWeights, modelWeights, type TrainingCheckpoint, type TrainingProgress } from './train/state.ts';
export { writeCheckpointFile, readCheckpointFile, type CheckpointFile } from './train/checkpoint.ts';
export { IntegrityError, openSealed, sealBytes, Sealer, SEAL_BYTES, type IntegrityErrorCode, type OpenedFile } from './integrity/sealed-file.ts';
export { processAlive, removeOrphanTemporaries } from './integrity/orphan-temporaries.ts';
export { FileWriteError } from './integrity/write-error.ts';
export { stepGradients, microBatches, microBatchGradients, accumulateGradients, sliceBatch, trainingMask, clipGlobalNorm, type StepGradients, type MicroBatch, type GradientSource } from './train/step.ts';
export { GradientWorkers } from './train/gradient-workers.ts';

// ONNX: export the model as an ONNX graph, score and train with onnxruntime-node (optional dependency) (issue 7).
export { exportOnnx, onnxTokenGrid, ONNX_NAMES, type OnnxExportOptions, type OnnxTokenGrid } from './onnx/export-onnx.ts';
export { SCORING_NAMES } from './onnx/scoring-graph.ts';
export { createOnnxInference, openOnnxScoring, onnxScoringModel, type OnnxScoringModel, type OnnxInference, type OnnxInferenceOptions, type OnnxOutputs, type OnnxPatchSummaries } from './onnx/onnx-inference.ts';
export { loadOnnxRuntime, onnxRuntimeAvailable } from './onnx/onnxruntime.ts';
export { chooseEngine, describeEngine, onnxRuntimeProblem, tfjsGpuProblem, type EngineChoice, type EngineProbes, type EngineRoute, type EngineSkipped } from './backend/choose-engine.ts';
export { OnnxTrainer, dropoutMask, type OnnxTrainerOptions } from './onnx/onnx-training.ts';
export { buildTrainingGraph, TRAINING_NAMES, type TrainingGraph, type TrainingGraphSpec, type DropoutSite } from './onnx/training-graph.ts';
export { OnnxError, type OnnxErrorCode } from './onnx/onnx-error.ts';

// Seeded random numbers (stepGradients takes one; `vadc bench` drives it directly) (issue 7, bench).
export { Random, type RandomState } from './random.ts';
export { buildModelPackage, checkModelManifest, openModelPackage, MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION, type ModelManifest, type ModelPackageInput, type PackageThreshold } from './onnx/model-package.ts';
export {
  ffmpegFrameStream, rawFrameStream, reconnectingFrameStream, type FrameStream, type FrameStreamOptions, type ReceivedFrame, type ReconnectPolicy, type StreamGap,
} from './data/formats/frame-stream.ts';
export { liveTestBatches, type LiveBatch } from './data/pipeline/live-batches.ts';

// Official aed-mae checkpoints (torch.save zip files) read without Python and without running anything (issue 28).
export { readPickle, isRefusedGlobal, PickleRefusedError, PickleFormatError, PyDict, PyTuple, PyGlobal, PyObject, type PickleOptions } from './import/pickle.ts';
export { readZipEntries, ZipFormatError } from './import/zip-archive.ts';
export { readTorchFile, recordFields, TorchTensor, type TorchDtype } from './import/torch-checkpoint.ts';
export { readOfficialCheckpoint, mergeOfficialStateDicts, officialModelShape, officialWeights, OfficialCheckpointError, type OfficialCheckpoint, type OfficialModelShape } from './import/official-checkpoint.ts';

// The application: run folders, experiments, detectors, sweeps, reports (moved from @vadc/cli; issue 25).
export { runBench, type BenchOptions, type BenchResult, type ModeResult } from './bench/run-bench.ts';
export { calibrate, footageFrameRate, normalFootage } from './detect/calibrate-run.ts';
export { CALIBRATION_FILE, packageThreshold, readCalibration, type CalibrationRecord } from './detect/calibration-file.ts';
export { openDetector, type Detector } from './detect/detector.ts';
export { drawFrames, percentile } from './detect/draw-frames.ts';
export { eventsJson } from './detect/events-output.ts';
export { MANIFEST_FILE, readModelPackage, writeModelPackage } from './detect/model-package.ts';
export { openInput } from './detect/open-input.ts';
export { describeDecisionSmoothing, scoreInput } from './detect/score-input.ts';
export { DEFAULT_RECONNECT, isStreamInput, parseFrameSize, scoreStream } from './detect/score-stream.ts';
export { scoredInputFiles } from './detect/scored-files.ts';
export { loadTrainedModel, readTrainedRun } from './detect/trained-run.ts';
export { engineStatement, runEngines } from './engines/compare-engines.ts';
export { engineOfResumedRun, engineOption, resolveEngine } from './engines/engine-choice.ts';
export { checkDataPresent } from './experiment/data-check.ts';
export { executeRun, openRunData, recordFailure, scoreEvaluateReport, startBackend } from './experiment/run-experiment.ts';
export { importOfficialCheckpoint } from './experiment/import-checkpoint.ts';
export { startProgress } from './experiment/progress.ts';
export { diskReader, displayPath, formatErrorLine, loadRecipe, recipeOptionHelp, recipeOptions, recipePath, resolveOptionsFrom } from './experiment/recipe-reader.ts';
export { cpuSizedSibling, describeWork, estimateWithRecipeBackend, trainingWork } from './experiment/training-estimate.ts';
export { describeFingerprint } from './run-folder/dataset-fingerprint.ts';
export { writeFileAtomic, writeJsonAtomic } from './run-folder/files.ts';
export { differingKeys } from './run-folder/plan-diff.ts';
export { latestRun, listRuns, readRun, runIdFromDate, type RunFolder } from './run-folder/run-folder.ts';
export { LeaseLostError, fileLeaseStore, leaseDuration, takeLease, type LeaseHolder, type LeaseStore, type LeaseStoreFor } from './run-folder/run-lease.ts';
export { moveRun, runFolderPath, trainingFinished } from './run-folder/run-state.ts';
export { runsOfSameRecipe, sameRecipeAndData } from './run-folder/same-recipe.ts';
export { emptyMetricsResult, localizationJson, metricValue, metricsJson, perMetric, rocJson, type MetricsResult } from './score/metrics-result.ts';
export { sweepTable } from './sweep/sweep-report.ts';
export { evaluateGroup, executeSweep, groupByTraining, trainingFor, type SweepEntry, type SweepOptions, type SweepResultFolder, type SweepTraining, writeSweep } from './sweep/sweep-run.ts';
export { CheckFailedError, InputError, UsageError, type CommandIO, type TrainingStepReport } from './run-io.ts';
export { renderReport } from './report/render-report.ts';
export { formatMetric, METRIC_DECIMALS } from './report/format.ts';
export { encodePng, pngDataUri, ImageSizeError } from './report/png.ts';
export { REPORT_METRIC_NAMES, type ReportMetricName, type ReportMetric, type ReportMetrics, type ReportMachine, type ReportStepTiming, type ReportRun, type ReportScoreComponents, type ReportVideo, type ReportRocCurve, type ReportRocCurves, type ReportDetectionCurve, type ReportDetectionCurves, type ReportRgbImage, type ReportGrayImage, type ReportHeatMap, type ReportImage, type ReportBox, type ReportFrame, type ReportSweep, type ReportPhaseSpeed, type ReportSpeed, type ReportTrainingCurve, type ReportValidation, type ReportVideoRow, type ReportOperatingPoint, type ReportDecisions, type ReportData } from './report/types.ts';
export { chooseFrames, trainingCurvesFromLog, isLossKey, type TrainingLogRecord } from './report/report-inputs.ts';
