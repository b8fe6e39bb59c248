/** Public API of @vadc/metrics: pure numbers in, numbers out (no I/O, no TF.js); see README.md for each metric. */
export { MetricsError, type MetricsErrorCode, type MetricsErrorDetails } from './errors.ts';
export { rocAuc, rocCurve, checkBinaryInput, type RocCurve } from './roc.ts';
export {
  SMOOTHING_PRESETS,
  gaussianKernel,
  normalizeScores,
  resolveSmoothing,
  smoothScores,
  StreamingSmoother,
  LiveSmoother,
  LIVE_LOOKAHEAD,
  liveSmoothing,
  smoothLive,
  describeLiveSmoothing,
  type LiveSmoothing,
  type GaussianSmoothing,
  type SmoothingPreset,
  type SmoothingSpec,
} from './smoothing.ts';
export { frameAuc, type FrameAucInput, type FrameAucResult, type FrameAucVideo, type VideoFrameAuc } from './frame-auc.ts';
export { boxIou, isBox, type Box } from './boxes.ts';
export { connectedComponents, type Component, type ComponentLabeling } from './components.ts';
export { tracksFromMasks, type MaskTracks, type TrackedRegion } from './tracks.ts';
export { detectionCurveArea, type DetectionCurve } from './detection-curve.ts';
export {
  regionBasedDetection,
  type GroundTruthRegion,
  type LocalizationOptions,
  type LocalizationResult,
  type LocalizationVideo,
  type ScoredRegion,
} from './region-detection.ts';
export {
  mapBasedDetection,
  mapThresholds,
  regionsFromMap,
  type AnomalyMapVideo,
  type MapLocalizationOptions,
  type MapRegion,
} from './map-detection.ts';
export { pixelAuc, type PixelFrame } from './pixel-auc.ts';
export { EventTracker, frameDecisions, frameEvents, type AnomalyEvent } from './events.ts';
export { calibrateThreshold, type CalibrationResult, type CalibrationTarget } from './calibration.ts';
export { operatingPoint, type LabelledScores, type OperatingPoint } from './operating-point.ts';
