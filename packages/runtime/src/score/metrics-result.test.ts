import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '@vadc/dsl';
import { emptyMetricsResult, metricsJson, metricValue, perMetric, RESULT_METRIC_NAMES } from './metrics-result.ts';

describe('metrics result', () => {
  it('lists every recipe metric once, with macro_auc_clean right after macro_auc', () => {
    expect(RESULT_METRIC_NAMES).toEqual(['micro_auc', 'macro_auc', 'macro_auc_clean', 'rbdc', 'tbdc', 'pixel_auc']);
    expect(RESULT_METRIC_NAMES.filter((name) => name !== 'macro_auc_clean')).toEqual([...METRIC_NAMES]);
  });

  it('writes one shape: every metric, variants for each, per_video and curves.roc / localization', () => {
    const result = emptyMetricsResult({ smoothing: { range: 38, sigma: 11 }, normalize: true, regionOverlap: 0.1, trackOverlap: 0.2, resolution: '160x320' });
    const parsed = JSON.parse(metricsJson(result));
    expect(Object.keys(parsed)).toEqual([...RESULT_METRIC_NAMES, 'variants', 'per_video', 'curves']);
    expect(parsed.variants.micro_auc).toBe('micro frame AUC over all test frames, official AED-MAE protocol (Gaussian smoothing range 38 sigma 11, scores min-max normalised per video)');
    expect(parsed.variants.tbdc).toBe('track-based detection criterion, track overlap 0.2, region overlap 0.1');
    expect(parsed.curves).toEqual({ roc: null, localization: null });
    expect(metricsJson(result, true).trim().split('\n')).toHaveLength(1);
  });

  it('reads metric values from old or hand-edited metrics.json files, null where absent or not a number', () => {
    const old = { micro_auc: 0.9, macro_auc: '0.8', curves: { roc: { fpr: [], tpr: [] } } };
    expect(perMetric((name) => metricValue(old, name))).toEqual({ micro_auc: 0.9, macro_auc: null, macro_auc_clean: null, rbdc: null, tbdc: null, pixel_auc: null });
    expect(metricValue(null, 'rbdc')).toBeNull();
  });
});
