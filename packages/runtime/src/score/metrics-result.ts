// The metrics result: what a run writes as metrics.json and what `vadc metrics` prints, one type and one writer.
// Its shape is the run's metrics.json as users have it on disk (curves.roc {fpr, tpr}, per_video with frames);
// readers of older files (compare, report, sweep) read the metric values through metricValue, which accepts any
// object and gives null for what is missing.
import { METRIC_NAMES, type MetricName } from '@vadc/dsl';
import type { GaussianSmoothing, LocalizationResult, RocCurve } from '@vadc/metrics';

/** A metric key of a metrics result: the recipe's metric names and macro_auc_clean (comes with macro_auc). */
export type ResultMetricName = MetricName | 'macro_auc_clean';

/** Every metric key of a metrics result, in table order (macro_auc_clean right after macro_auc). */
export const RESULT_METRIC_NAMES: readonly ResultMetricName[] = METRIC_NAMES.flatMap((name): ResultMetricName[] => (name === 'macro_auc' ? [name, 'macro_auc_clean'] : [name]));

/** The micro ROC curve; thresholds[0] is +Infinity, written as null (JSON has no Infinity). */
export interface RocCurveJson {
  fpr: number[];
  tpr: number[];
  thresholds?: Array<number | null>;
}

/** Detection rates against false positives per frame, one point per map threshold. */
export interface LocalizationCurveJson {
  thresholds?: number[];
  false_positives_per_frame: number[];
  region_detection_rate: number[];
  track_detection_rate: number[];
}

/** One video's frame AUCs. */
export interface PerVideoAuc {
  name: string;
  frames: number;
  auc_padded: number;
  auc_clean: number | null;
}

/** metrics.json. A metric that was not asked for or cannot be computed is null. */
export type MetricsResult = Record<ResultMetricName, number | null> & {
  /** What each number is (protocol, smoothing, resolution). */
  variants: Partial<Record<ResultMetricName, string>>;
  per_video: PerVideoAuc[];
  curves: { roc: RocCurveJson | null; localization: LocalizationCurveJson | null };
  /** Videos with one class, left out of the clean macro AUC (`vadc metrics`). */
  skipped_videos?: string[];
  /** The settings the numbers were computed with (`vadc metrics`). */
  config?: { smoothing: GaussianSmoothing | null; normalize_scores: boolean; region_overlap: number; track_overlap: number; map_thresholds: number | number[] };
  /** Ground-truth counts behind RBDC / TBDC (`vadc metrics`). */
  counts?: { frames: number; gt_regions: number; gt_tracks: number } | null;
};

/** One value per metric name (a typed record without casts at the call sites). */
export function perMetric<T>(value: (name: ResultMetricName) => T): Record<ResultMetricName, T> {
  const entries = RESULT_METRIC_NAMES.map((name) => [name, value(name)] as const);
  const out: Partial<Record<ResultMetricName, T>> = {};
  for (const [name, item] of entries) out[name] = item;
  return out as Record<ResultMetricName, T>;
}

/** What the numbers were computed with, for their descriptions. */
export interface MetricSettings {
  smoothing: GaussianSmoothing | null;
  normalize: boolean;
  regionOverlap: number;
  trackOverlap: number;
  /** "HxW" of the maps when all share it (a run: the model's size), or null. */
  resolution: string | null;
}

/** The description of every metric: the one text `vadc run` and `vadc metrics` write into variants. */
export function metricVariants(settings: MetricSettings): Record<ResultMetricName, string> {
  const smoothingText = settings.smoothing ? `Gaussian smoothing range ${settings.smoothing.range} sigma ${settings.smoothing.sigma}` : 'no smoothing';
  const normalizeText = settings.normalize ? ', scores min-max normalised per video' : '';
  const resolution = settings.resolution === null ? 'at the maps\' resolution' : `at model resolution ${settings.resolution}`;
  return {
    micro_auc: `micro frame AUC over all test frames, official AED-MAE protocol (${smoothingText}${normalizeText})`,
    macro_auc: `macro frame AUC, padded per video with a (0, 0) and a (1, 1) frame as the official evaluation (${smoothingText}${normalizeText})`,
    macro_auc_clean: 'macro frame AUC without padding, videos with one class skipped',
    rbdc: `region-based detection criterion, area for 0-1 false positives per frame, region overlap ${settings.regionOverlap}, ${resolution}`,
    tbdc: `track-based detection criterion, track overlap ${settings.trackOverlap}, region overlap ${settings.regionOverlap}`,
    pixel_auc: `pixel-level AUC over all pixels of all test frames ${resolution}`,
  };
}

/** A result with every metric null and no curves: what is filled in as metrics are computed. */
export function emptyMetricsResult(settings: MetricSettings): MetricsResult {
  return { ...perMetric(() => null), variants: metricVariants(settings), per_video: [], curves: { roc: null, localization: null } };
}

/** The ROC curve as metrics.json keeps it. */
export function rocJson(curve: RocCurve): RocCurveJson {
  return { fpr: curve.falsePositiveRate, tpr: curve.truePositiveRate, thresholds: curve.thresholds.map((value) => (Number.isFinite(value) ? value : null)) };
}

/** The localization curve as metrics.json keeps it. */
export function localizationJson(result: LocalizationResult): LocalizationCurveJson {
  return {
    thresholds: result.curve.thresholds,
    false_positives_per_frame: result.curve.falsePositivesPerFrame,
    region_detection_rate: result.curve.regionDetectionRate,
    track_detection_rate: result.curve.trackDetectionRate,
  };
}

/** The one JSON writer of a metrics result (metrics.json, `vadc metrics` stdout; or its values alone): indented, or one line. */
export function metricsJson(result: MetricsResult | Record<ResultMetricName, number | null>, oneLine = false): string {
  return `${oneLine ? JSON.stringify(result) : JSON.stringify(result, null, 2)}\n`;
}

/** A metric's value from any parsed metrics.json (old ones included): the number, or null when absent. */
export function metricValue(document: unknown, name: ResultMetricName): number | null {
  if (typeof document !== 'object' || document === null) return null;
  const value: unknown = (document as Record<string, unknown>)[name];
  return typeof value === 'number' ? value : null;
}
