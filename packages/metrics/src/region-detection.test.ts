import { describe, expect, it } from 'vitest';
import { boxIou, type Box } from './boxes.ts';
import { detectionCurveArea } from './detection-curve.ts';
import { regionBasedDetection, type GroundTruthRegion, type ScoredRegion } from './region-detection.ts';

const square: Box = [0, 0, 9, 9]; // 10 x 10 = 100 pixels, inclusive

function video(frameCount: number, groundTruth: GroundTruthRegion[], predictions: ScoredRegion[]) {
  return { name: 'v', frameCount, groundTruth, predictions };
}

describe('boxIou', () => {
  it('treats boxes as inclusive pixel boxes', () => {
    expect(boxIou([3, 4, 3, 4], [3, 4, 3, 4])).toBe(1);
    expect(boxIou(square, [0, 0, 0, 9])).toBe(0.1); // 10 of 100 pixels
    expect(boxIou(square, [10, 0, 19, 9])).toBe(0); // adjacent, no shared pixel
    expect(boxIou(square, [9, 9, 18, 18])).toBe(1 / 199);
  });
});

describe('detectionCurveArea', () => {
  it('starts at (0, 0), extends flat to 1 FP/frame and drops points beyond it', () => {
    expect(detectionCurveArea([0.5, 2], [0.5, 1])).toBe(0.375); // (0,0)-(0.5,0.5) 0.125 + flat 0.25
    expect(detectionCurveArea([0, 1], [1, 1])).toBe(1);
    expect(detectionCurveArea([], [])).toBe(0);
  });

  it('uses the monotone envelope when a sweep is not monotone', () => {
    // sorted: (0.2, 0.6), (0.5, 0.4 -> 0.6): 0.06 + 0.18 + 0.3
    expect(detectionCurveArea([0.5, 0.2], [0.4, 0.6])).toBeCloseTo(0.54, 15);
  });
});

describe('regionBasedDetection', () => {
  it('is 1 for a perfect detector', () => {
    const truth = [
      { frame: 2, trackId: 0, box: square },
      { frame: 3, trackId: 0, box: square },
    ];
    const result = regionBasedDetection([video(10, truth, truth.map((region) => ({ frame: region.frame, box: region.box, score: 0.9 })))]);
    expect(result).toMatchObject({ rbdc: 1, tbdc: 1, regionCount: 2, trackCount: 1, frameCount: 10 });
  });

  it('is 0 with false positives only, counting them per frame over all frames', () => {
    const truth = [{ frame: 2, trackId: 0, box: square }];
    const predictions = [
      { frame: 2, box: [50, 50, 60, 60] as Box, score: 0.9 }, // wrong place in a GT frame
    ];
    const elsewhere = { ...video(6, [], [{ frame: 3, box: square, score: 0.5 }]), name: 'w' }; // a frame without GT
    const result = regionBasedDetection([video(4, truth, predictions), elsewhere]);
    expect(result.rbdc).toBe(0);
    expect(result.tbdc).toBe(0);
    expect(result.curve.falsePositivesPerFrame).toEqual([0.1, 0.2]);
  });

  it('detects a track when 10% of its regions are detected (a fraction of its frames)', () => {
    const truth = Array.from({ length: 20 }, (_, frame) => ({ frame, trackId: 7, box: square }));
    const predictions = [
      { frame: 0, box: square, score: 0.9 },
      { frame: 1, box: [0, 0, 0, 9] as Box, score: 0.8 }, // IoU exactly 0.1: detects
      { frame: 2, box: [0, 0, 0, 8] as Box, score: 0.75 }, // IoU 0.09: a false positive
      { frame: 50, box: [50, 50, 60, 60] as Box, score: 0.7 },
    ];
    const result = regionBasedDetection([video(100, truth, predictions)]);
    expect(result.curve).toEqual({
      thresholds: [0.9, 0.8, 0.75, 0.7],
      falsePositivesPerFrame: [0, 0, 0.01, 0.02],
      regionDetectionRate: [0.05, 0.1, 0.1, 0.1],
      trackDetectionRate: [0, 1, 1, 1], // 1/20 < 0.1, 2/20 >= 0.1
    });
    expect(result.rbdc).toBeCloseTo(0.1, 15);
    expect(result.tbdc).toBe(1);
  });

  it('moves diagonally on tied scores and flat to 1 FP/frame after the last prediction', () => {
    const truth = [{ frame: 0, trackId: 0, box: square }];
    const fpFirst = regionBasedDetection([video(10, truth, [{ frame: 5, box: square, score: 0.9 }, { frame: 0, box: square, score: 0.5 }])]);
    expect(fpFirst.rbdc).toBeCloseTo(0.9, 15); // staircase: up at 0.1 FP/frame, then flat
    const tied = regionBasedDetection([video(10, truth, [{ frame: 5, box: square, score: 0.5 }, { frame: 0, box: square, score: 0.5 }])]);
    expect(tied.rbdc).toBeCloseTo(0.95, 15); // one point (0.1, 1): triangle 0.05 + 0.9
  });

  it('lets one prediction detect two regions, and tracks are per video', () => {
    const truth = [
      { frame: 0, trackId: 0, box: [0, 0, 9, 9] as Box },
      { frame: 0, trackId: 1, box: [0, 0, 9, 8] as Box },
    ];
    const other = { name: 'w', frameCount: 1, groundTruth: [{ frame: 0, trackId: 0, box: square }], predictions: [] };
    const result = regionBasedDetection([video(1, truth, [{ frame: 0, box: square, score: 1 }]), other]);
    expect(result.trackCount).toBe(3);
    expect(result.curve.regionDetectionRate).toEqual([2 / 3]);
    expect(result.curve.trackDetectionRate).toEqual([2 / 3]);
  });

  it('returns null without ground truth and rejects regions outside the video', () => {
    expect(regionBasedDetection([video(3, [], [{ frame: 0, box: square, score: 1 }])]).rbdc).toBeNull();
    expect(() => regionBasedDetection([video(3, [{ frame: 3, trackId: 0, box: square }], [])])).toThrow(/outside video "v"/);
    expect(() => regionBasedDetection([video(3, [], [{ frame: 0, box: [5, 0, 4, 0], score: 1 }])])).toThrow(/valid/);
    expect(() => regionBasedDetection([video(3, [], [])], { regionOverlap: 0 })).toThrow(/region_overlap/);
  });
});
