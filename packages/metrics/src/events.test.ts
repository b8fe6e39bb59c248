import { describe, expect, it } from 'vitest';
import { calibrateThreshold } from './calibration.ts';
import { EventTracker, frameDecisions, frameEvents } from './events.ts';
import { operatingPoint } from './operating-point.ts';
import { smoothScores, StreamingSmoother } from './smoothing.ts';

describe('frame events', () => {
  it('groups frames strictly above the threshold into events with their peak', () => {
    const scores = [0, 2, 3, 2, 1, 1, 5, 5, 0, 4];
    expect(Array.from(frameDecisions(scores, 1))).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 0, 1]);
    expect(frameEvents(scores, 1)).toEqual([
      { start: 1, end: 3, peak: 2, peakScore: 3 },
      { start: 6, end: 7, peak: 6, peakScore: 5 },
      { start: 9, end: 9, peak: 9, peakScore: 4 },
    ]);
    expect(frameEvents(scores, 5)).toEqual([]);
  });

  it('closes an event on the first normal frame when streamed', () => {
    const tracker = new EventTracker(0.5);
    expect(tracker.push(0, 1)).toBeNull();
    expect(tracker.current).toMatchObject({ start: 0 });
    expect(tracker.push(1, 0)).toEqual({ start: 0, end: 0, peak: 0, peakScore: 1 });
    expect(tracker.end()).toBeNull();
  });
});

describe('StreamingSmoother', () => {
  it('gives exactly smoothScores, with the filter lag, one frame at a time', () => {
    const scores = Array.from({ length: 23 }, (_, index) => Math.sin(index) + index / 10);
    for (const smoothing of [{ range: 8, sigma: 2 }, { range: 4, sigma: 1 }, { range: 2, sigma: 1 }, null]) {
      const smoother = new StreamingSmoother(smoothing);
      const streamed: number[] = [];
      scores.forEach((score, index) => {
        const out = smoother.push(score);
        streamed.push(...out);
        expect(streamed.length).toBe(Math.max(0, index + 1 - smoother.lag));
      });
      streamed.push(...smoother.end());
      expect(streamed).toEqual(Array.from(smoothScores(scores, smoothing)));
    }
    expect(new StreamingSmoother({ range: 8, sigma: 2 }).lag).toBe(3);
  });
});

describe('calibrateThreshold', () => {
  const videos = [[1, 5, 2, 6, 3], [4, 0, 7]];

  it('takes the nearest-rank percentile of the normal scores', () => {
    expect(calibrateThreshold(videos, { kind: 'percentile', value: 100 }, 25)).toMatchObject({ threshold: 7, abnormalFrames: 0, events: 0 });
    // 8 frames: the 75th percentile is the 6th smallest (5); frames 6 and 7 lie above it.
    expect(calibrateThreshold(videos, { kind: 'percentile', value: 75 }, 25)).toMatchObject({ threshold: 5, abnormalFrames: 2, events: 2, frames: 8 });
  });

  it('lowers the threshold while the share of abnormal frames stays within the target', () => {
    // 8 frames x 0.25 = 2 abnormal frames allowed: threshold 5 (7 and 6 above).
    expect(calibrateThreshold(videos, { kind: 'false_alarms_per_frame', value: 0.25 }, 25)).toMatchObject({ threshold: 5, abnormalFrames: 2, falseAlarmsPerFrame: 0.25 });
    expect(calibrateThreshold(videos, { kind: 'false_alarms_per_frame', value: 0 }, 25)).toMatchObject({ threshold: 7, abnormalFrames: 0 });
  });

  it('counts events per hour, merging neighbours, and stops at the first threshold that breaks the target', () => {
    // 8 frames at 8/3600 fps = one hour: 2 events allowed at 2 per hour.
    const result = calibrateThreshold(videos, { kind: 'false_alarms_per_hour', value: 2 }, 8 / 3600);
    // Above 5: {6} and {7}: 2 events; above 4 adds 5 (joins nothing: 1,[5],2,[6] -> 3 events): stop at 5.
    expect(result).toMatchObject({ threshold: 5, events: 2, falseAlarmsPerHour: 2 });
    // Above 2: two events; above 1 they merge into one, which the walk keeps (2 allowed in the hour).
    expect(calibrateThreshold([[3, 2, 3, 1]], { kind: 'false_alarms_per_hour', value: 2 }, 4 / 3600)).toMatchObject({ threshold: 1, events: 1, abnormalFrames: 3 });
    // One allowed: the two events above 2 break it first, so the walk stops above them.
    expect(calibrateThreshold([[3, 2, 3, 1]], { kind: 'false_alarms_per_hour', value: 1 }, 4 / 3600)).toMatchObject({ threshold: 3, events: 0 });
  });

  it('refuses empty footage and targets out of range with codes', () => {
    expect(() => calibrateThreshold([[]], { kind: 'percentile', value: 99 }, 25)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => calibrateThreshold(videos, { kind: 'percentile', value: 0 }, 25)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => calibrateThreshold([[1, Number.NaN]], { kind: 'percentile', value: 50 }, 25)).toThrow(expect.objectContaining({ code: 'NON_FINITE_SCORE', details: { index: 0, frame: 1 } }));
  });
});

describe('operatingPoint', () => {
  it('counts frame rates, false-alarm events and missed abnormal intervals', () => {
    // Video A: abnormal frames 2-3; events above 0.5 at 0-0 (false alarm) and 2-4 (hit). Video B: abnormal 1, missed.
    const videos = [
      { labels: [0, 0, 1, 1, 0, 0], scores: [0.9, 0.1, 0.8, 0.7, 0.6, 0.2] },
      { labels: [0, 1, 0], scores: [0.1, 0.2, 0.1] },
    ];
    const point = operatingPoint(videos, 0.5, 9 / 60); // 9 frames at 0.15 fps: one minute
    expect(point).toEqual({
      threshold: 0.5, truePositiveRate: 2 / 3, falsePositiveRate: 2 / 6, falseAlarms: 1, missedIntervals: 1, intervals: 2, falseAlarmsPerMinute: 1,
    });
    expect(() => operatingPoint([{ labels: [0], scores: [] }], 0, 25)).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH', details: { index: 0 } }));
  });
});
