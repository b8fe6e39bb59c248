import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.ts';
import { frameAuc } from './frame-auc.ts';

describe('frameAuc', () => {
  const videos = [
    // given out of order on purpose: results come in sorted-name order
    { name: 'b', labels: [0, 0, 1, 1], scores: [0.1, 0.2, 0.9, 0.7] },
    // all normal: clean AUC undefined; padded: the appended (1, 1) beats 3 of 4 negatives (0, 0.5, 0.3; not 2)
    { name: 'a', labels: [0, 0, 0], scores: [0.5, 2, 0.3] },
  ];

  it('computes micro, padded macro and clean macro as the official code (no smoothing)', () => {
    const result = frameAuc({ videos, smoothing: null, normalize: false });
    expect(result.perVideo.map((video) => [video.name, video.aucPadded, video.aucClean])).toEqual([
      ['a', 0.75, null],
      ['b', 1, 1],
    ]);
    expect(result.macroPadded).toBe(0.875);
    expect(result.macroClean).toBe(1);
    expect(result.skippedVideos).toEqual(['a']);
    // micro: positives 0.9, 0.7 each beat 4 of the 5 negatives (not 2) -> 8 / 10
    expect(result.micro).toBe(0.8);
  });

  it('gives 0 for inverted scores, and the padded AUC hand-computed', () => {
    const result = frameAuc({ videos: [{ name: 'x', labels: [0, 0, 1, 1], scores: [0.9, 0.8, 0.2, 0.1] }], smoothing: null, normalize: false });
    expect(result.micro).toBe(0);
    expect(result.macroClean).toBe(0);
    // padded positives {0.2, 0.1, 1} vs negatives {0, 0.9, 0.8}: 1 + 1 + 3 wins of 9
    expect(result.macroPadded).toBeCloseTo(5 / 9, 15);
  });

  it('reports null micro and clean macro when every video is all normal', () => {
    const result = frameAuc({ videos: [{ name: 'a', labels: [0, 0], scores: [0.2, 0.1] }], smoothing: null, normalize: false });
    expect(result.micro).toBeNull();
    expect(result.macroClean).toBeNull();
    expect(result.macroPadded).toBe(1);
  });

  it('smooths (one-frame delay) and normalises before the AUC', () => {
    // An impulse on the last anomalous frame: after the delay it lands on the first normal frame that follows.
    const labels = [0, 0, 0, 1, 0, 0];
    const result = frameAuc({ videos: [{ name: 'v', labels, scores: [0, 0, 0, 1, 0, 0] }], smoothing: { range: 4, sigma: 1 }, normalize: true });
    const processed = Array.from(result.perVideo[0]!.processedScores);
    expect(processed.indexOf(1)).toBe(4);
    expect(processed[0]).toBe(0);
    // label-1 frame 3 has the second highest score (g(1) normalised); only frame 4 beats it
    expect(result.micro).toBe(0.8);
  });

  it('names the video and index of a NaN score, and rejects duplicates and bad labels', () => {
    const nan = () => frameAuc({ videos: [{ name: 'v', labels: [0, 1], scores: [0.1, NaN] }], smoothing: null, normalize: false });
    expect(nan).toThrow(MetricsError);
    try {
      nan();
    } catch (error) {
      expect(error).toMatchObject({ code: 'NON_FINITE_SCORE', details: { video: 'v', index: 1, field: 'scores' } });
    }
    expect(() => frameAuc({ videos: [videos[0]!, videos[0]!], smoothing: null, normalize: false })).toThrow(/appears twice/);
    expect(() => frameAuc({ videos: [{ name: 'v', labels: [0, 3], scores: [0, 1] }], smoothing: null, normalize: false })).toThrow(MetricsError);
  });
});
