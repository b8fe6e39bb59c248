import { describe, expect, it } from 'vitest';
import { abnormalIntervals } from './html.ts';
import { boxRects, framesSection } from './sections-frames.ts';
import { clipToX, rescale } from './sections-plots.ts';
import { metricsSection, runSection } from './sections-summary.ts';
import { testReportData } from './test-report-data.ts';

describe('abnormalIntervals', () => {
  it('turns 0/1 labels into inclusive frame intervals, including one at the end', () => {
    expect(abnormalIntervals([0, 1, 1, 0, 0, 1])).toEqual([[1, 2], [5, 5]]);
    expect(abnormalIntervals([1, 1])).toEqual([[0, 1]]);
    expect(abnormalIntervals([])).toEqual([]);
  });
});

describe('clipToX', () => {
  it('keeps the curve up to the limit and ends it exactly there', () => {
    expect(clipToX([0, 0.5, 2, 3], [0.2, 0.4, 1, 1], 1)).toEqual({ x: [0, 0.5, 1], y: [0.2, 0.4, 0.6] });
    expect(clipToX([0, 1, 2], [0, 0.5, 1], 1)).toEqual({ x: [0, 1], y: [0, 0.5] });
    expect(clipToX([2, 3], [0, 1], 1)).toEqual({ x: [], y: [] });
  });
});

describe('rescale', () => {
  it('maps a component min-max onto the score range; a constant sits in the middle', () => {
    expect(rescale([10, 20, 30], [0, 1])).toEqual([0, 0.5, 1]);
    expect(rescale([5, 5], [0, 1])).toEqual([0.5, 0.5]);
  });
});

describe('boxRects', () => {
  it('draws inclusive boxes one pixel wider and taller than x2 - x1', () => {
    expect(boxRects([[20, 10, 29, 21]])).toBe('<rect class="box" x="20" y="10" width="10" height="12"/>');
  });
});

describe('metricsSection', () => {
  it('shows each metric formatted with its variant, and leaves out an absent optional metric', () => {
    const { metrics } = testReportData();
    const html = metricsSection(metrics);
    expect(html).toContain('<td class="number" data-metric="micro_auc">0.9123</td>');
    expect(html).toContain('<td class="number" data-metric="pixel_auc">n/a</td>');
    expect(html).toContain('macro AUC, padded (official)');
    delete metrics.macro_auc_clean;
    expect(metricsSection(metrics)).not.toContain('macro_auc_clean');
  });
});

describe('runSection', () => {
  it('lists the facts and totals the step timings', () => {
    const html = runSection(testReportData().run);
    expect(html).toContain('data-run="plan-hash">9f2c1a7be04d5e3f<');
    expect(html).toContain('wasm (2 threads)');
    // 3.25 + 185 + 41.5 = 229.75 s
    expect(html).toContain('<td class="number total">3 min 50 s</td>');
  });
});

describe('framesSection', () => {
  it('shows a panel whose image does not match its size as a note, and the others as PNGs', () => {
    const frame = testReportData().frames![0]!;
    frame.student = { width: 48, height: 32, rgb: new Uint8Array(10) };
    delete frame.discrepancy;
    const html = framesSection([frame]);
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(3);
    expect(html).toContain('image 48x32 needs 4608 RGB bytes, got 10');
    expect(html).toContain('>not available<');
    expect(html.match(/data-overlay=/g)).toHaveLength(3);
  });
});
