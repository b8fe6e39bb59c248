import { describe, expect, it } from 'vitest';
import { chooseDecisionFrames } from './report-inputs.ts';
import { operatingPointsSection, perVideoSection } from './sections-decisions.ts';

describe('decision sections', () => {
  it('lists videos worst first by clean AUC, and says n/a where a video has one class', () => {
    const html = perVideoSection([
      { name: 'good', frames: 10, anomalousShare: 0.5, aucPadded: 0.95, aucClean: 0.9 },
      { name: 'all-abnormal', frames: 5, anomalousShare: 1, aucPadded: 1, aucClean: null },
      { name: 'bad', frames: 8, anomalousShare: 0.25, aucPadded: 0.7, aucClean: 0.6 },
    ]);
    expect([...html.matchAll(/<th scope="row">([^<]+)</g)].map((match) => match[1])).toEqual(['bad', 'good', 'all-abnormal']);
    expect(html).toContain('n/a (one class)');
    expect(html).toContain('50.0%');
  });

  it('shows the calibrated threshold first with how it was chosen, or says there is none', () => {
    const point = { threshold: 0.25, truePositiveRate: 0.5, falsePositiveRate: 0.1, falseAlarms: 3, missedIntervals: 1, intervals: 4, falseAlarmsPerMinute: 1.5 };
    const html = operatingPointsSection({ calibration: 'percentile 99 on 2 normal footage', fps: 25, points: [{ label: 'calibrated', ...point }] });
    expect(html).toContain('data-threshold="calibrated">0.25000<');
    expect(html).toContain('1 / 4');
    expect(html).toContain('percentile 99 on 2 normal footage');
    expect(operatingPointsSection({ calibration: null, fps: 25, points: [{ label: 'x', ...point }] })).toContain('no calibrated threshold');
  });

  it('picks the highest-scoring false alarm and the lowest-scoring miss at a threshold', () => {
    const videos = [
      { name: 'a', scores: [0.9, 0.2, 0.6, 0.1], labels: [0, 1, 1, 0] },
      { name: 'b', scores: [0.7, 0.05], labels: [0, 1] },
    ];
    expect(chooseDecisionFrames(videos, 0.5)).toEqual([
      { video: 'a', frame: 0, score: 0.9, kind: 'false alarm' },
      { video: 'b', frame: 1, score: 0.05, kind: 'miss' },
    ]);
    expect(chooseDecisionFrames([{ name: 'c', scores: [0.1] }], 0.5)).toEqual([]);
  });
});
