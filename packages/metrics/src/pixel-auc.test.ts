import { describe, expect, it } from 'vitest';
import { pixelAuc } from './pixel-auc.ts';
import { rocAuc } from './roc.ts';

describe('pixelAuc', () => {
  it('counts ties as one half across frames', () => {
    // positives {0.9, 0.5}, negatives {0.5, 0.1, 0.1}: 0.9 beats 3; 0.5 ties one (1/2) and beats two -> 5.5 / 6
    const frames = [
      { scores: [0.9, 0.5, 0.1], mask: [1, 0, 0] },
      { scores: [0.5, 0.1], mask: [1, 0] },
    ];
    expect(pixelAuc(frames)).toBeCloseTo(5.5 / 6, 15);
  });

  it('equals rocAuc whichever class is rarer', () => {
    let state = 9;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const positiveRate of [0.1, 0.8]) {
      const frames = Array.from({ length: 5 }, () => {
        const mask = Uint8Array.from({ length: 40 }, () => (next() < positiveRate ? 1 : 0));
        const scores = Float32Array.from(mask, (label) => Math.round((next() + label * 0.3) * 10) / 10); // many ties
        return { scores, mask };
      });
      const labels = frames.flatMap((frame) => Array.from(frame.mask));
      const scores = frames.flatMap((frame) => Array.from(frame.scores));
      expect(pixelAuc(frames)).toBeCloseTo(rocAuc(labels, scores)!, 12);
    }
  });

  it('equals rocAuc with many distinct values (exercises the bucket table)', () => {
    let state = 3;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const mask = Uint8Array.from({ length: 3000 }, () => (next() < 0.3 ? 1 : 0));
    const scores = Float32Array.from(mask, (label) => next() ** 3 + label * 0.2);
    expect(pixelAuc([{ scores, mask }])).toBeCloseTo(rocAuc(Array.from(mask), Array.from(scores))!, 12);
  });

  it('is null for one class and rejects NaN naming the pixel', () => {
    expect(pixelAuc([{ scores: [0.1, 0.2], mask: [0, 0] }])).toBeNull();
    expect(() => pixelAuc([{ scores: [0.1, NaN], mask: [0, 1], video: 'v', frame: 3 }])).toThrow(/pixel 1/);
    expect(() => pixelAuc([{ scores: [0.1], mask: [0, 1] }])).toThrow(/2 mask values/);
  });
});
