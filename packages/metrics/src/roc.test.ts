import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.ts';
import { pairwiseSum } from './numeric.ts';
import { rocAuc, rocCurve } from './roc.ts';

function codeOf(run: () => unknown): { code: string; index?: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof MetricsError) return { code: error.code, index: error.details.index };
    throw error;
  }
  throw new Error('expected a MetricsError');
}

describe('rocAuc', () => {
  it('is 1 for perfectly ranked and 0 for inverted scores', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.9, 0.7])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
  });

  it('counts a tied positive/negative pair as one half (sklearn trapezoid)', () => {
    // pairs (pos, neg): (0.5, 0.5) = 1/2, (0.5, 0.2) = 1, (0.8, 0.5) = 1, (0.8, 0.2) = 1 -> 3.5 / 4
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.8])).toBe(0.875);
    expect(rocAuc([0, 1, 1, 0], [3, 3, 3, 3])).toBe(0.5);
  });

  it('accepts booleans and returns null for a single class', () => {
    expect(rocAuc([false, true], [0, 1])).toBe(1);
    expect(rocAuc([0, 0, 0], [0.1, 0.2, 0.3])).toBeNull();
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNull();
  });

  it('rejects NaN and infinite scores naming the index, and bad labels', () => {
    expect(codeOf(() => rocAuc([0, 1, 1], [0.1, NaN, 0.3]))).toEqual({ code: 'NON_FINITE_SCORE', index: 1 });
    expect(codeOf(() => rocAuc([0, 1], [0.1, Infinity]))).toEqual({ code: 'NON_FINITE_SCORE', index: 1 });
    expect(codeOf(() => rocAuc([0, 2], [0.1, 0.2]))).toEqual({ code: 'INVALID_LABEL', index: 1 });
    expect(codeOf(() => rocAuc([0, NaN], [0.1, 0.2]))).toEqual({ code: 'INVALID_LABEL', index: 1 });
    expect(codeOf(() => rocAuc([0, 1], [0.1]))).toMatchObject({ code: 'LENGTH_MISMATCH' });
  });
});

describe('rocCurve', () => {
  it('equals the sklearn documentation example', () => {
    // sklearn: roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual({
      falsePositiveRate: [0, 0, 0.5, 0.5, 1],
      truePositiveRate: [0, 0.5, 0.5, 1, 1],
      thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1],
    });
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('drops collinear points like drop_intermediate=True, keeps them on request', () => {
    const labels = [1, 1, 1, 0, 0, 0];
    const scores = [6, 5, 4, 3, 2, 1];
    expect(rocCurve(labels, scores)).toEqual({
      falsePositiveRate: [0, 0, 0, 1],
      truePositiveRate: [0, 1 / 3, 1, 1],
      thresholds: [Infinity, 6, 4, 1],
    });
    expect(rocCurve(labels, scores, { dropIntermediate: false })?.thresholds).toEqual([Infinity, 6, 5, 4, 3, 2, 1]);
  });
});

describe('pairwiseSum', () => {
  it('sums in numpy pairwise order, which a left fold does not', () => {
    // numpy: np.add.reduce([1e16] + [1.0] * 199) == 1.0000000000000188e+16; a left fold stays at 1e16
    const long = [1e16, ...Array.from({ length: 199 }, () => 1)];
    expect(pairwiseSum(long)).toBe(1.0000000000000188e16);
    // 21 values: one 8-accumulator block (np.add.reduce == 1.0000000000000016e+16)
    expect(pairwiseSum([1e16, ...Array.from({ length: 20 }, () => 1)])).toBe(1.0000000000000016e16);
    expect(pairwiseSum([1, 2, 3])).toBe(6);
  });
});
