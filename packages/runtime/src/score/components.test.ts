import { describe, expect, it } from 'vitest';
import type { FrameOutputs } from '../model/inference.ts';
import { combineComponents, combinePatchMaps, concatComponents, erodeDilate, frameComponents, frameScores, patchComponents, scoreOutputs, upsamplePatchMaps, weightedScore } from './components.ts';

// Two frames of a 1x2 patch grid.
function outputs(): FrameOutputs {
  const pair = (l1: number[], l2: number[]) => ({ l1: new Float32Array(l1), l2: new Float32Array(l2) });
  return {
    size: 2, frames: [0, 1], rows: 1, cols: 2, hidden: new Float32Array(4),
    teacherError: pair([1, 3, 0, 0], [1, 9, 0, 0]),
    anomalyError: null,
    discrepancy: pair([2, 0, 4, 4], [4, 0, 16, 16]),
    anomalyMap: new Float32Array([0, 1, 0.5, 0.5]),
    classifier: null, teacher: null, student: null,
  };
}

describe('score components', () => {
  it('averages each frame over its patches with the recipe error kinds', () => {
    const l2 = frameComponents(outputs(), { teacher: 'l2', discrepancy: 'l2' });
    expect(Array.from(l2.teacher)).toEqual([5, 0]);
    expect(Array.from(l2.discrepancy)).toEqual([2, 16]);
    expect(Array.from(l2.anomalyMap)).toEqual([0.5, 0.5]);
    const l1 = frameComponents(outputs(), { teacher: 'l1', discrepancy: 'l1' });
    expect(Array.from(l1.teacher)).toEqual([2, 0]);
    expect(Array.from(l1.discrepancy)).toEqual([1, 4]);
  });

  it('combines components with the weights; the frame score is the mean of its patch map', () => {
    const weights = { teacher: 1, discrepancy: 0.5, anomaly_map: 2, classifier: 0 };
    const errors = { teacher: 'l2', discrepancy: 'l2' } as const;
    const score = combineComponents(frameComponents(outputs(), errors), weights);
    const map = combinePatchMaps(patchComponents(outputs(), errors), weights);
    expect(Array.from(map)).toEqual([1 + 2 + 0, 9 + 0 + 2, 0 + 8 + 1, 0 + 8 + 1]);
    expect(Array.from(score)).toEqual([(3 + 11) / 2, 9]);
    // scoreOutputs carries the weights with the maps; frameScores of it is the same score.
    const scored = scoreOutputs(outputs(), { errors, weights, top_patches: null });
    expect(Array.from(scored.patchMaps)).toEqual(Array.from(map));
    expect(Array.from(frameScores(scored))).toEqual(Array.from(score));
    expect(weightedScore(weights, 1, 2, 3, 4)).toBe(1 + 1 + 6 + 0);
  });

  it('concatenates batches and adds the classifier term', () => {
    const part = { teacher: new Float32Array([1, 2]), discrepancy: new Float32Array([10, 20]), anomalyMap: new Float32Array([100, 200]), classifier: new Float32Array([1, 0]) };
    const joined = concatComponents([part, part]);
    expect(Array.from(joined.teacher)).toEqual([1, 2, 1, 2]);
    expect(Array.from(combineComponents(joined, { teacher: 1, discrepancy: 0.5, anomaly_map: 0.01, classifier: 7 }))).toEqual([14, 14, 14, 14]);
  });

  it('pools the N highest patches of each frame when top_patches is set, then adds the classifier term', () => {
    // Two frames of four patches; the classifier term is added after pooling.
    const video = {
      frameCount: 2,
      patchMaps: new Float32Array([1, 7, 3, 5, 0, 0, 8, 0]),
      components: { teacher: new Float32Array([4, 2]), discrepancy: new Float32Array(2), anomalyMap: new Float32Array(2), classifier: new Float32Array([0.5, 0]) },
    };
    const weights = { teacher: 1, discrepancy: 0, anomaly_map: 0, classifier: 2 };
    expect(Array.from(frameScores({ ...video, scoring: { weights, top_patches: 1 } }))).toEqual([7 + 1, 8]);
    expect(Array.from(frameScores({ ...video, scoring: { weights, top_patches: 2 } }))).toEqual([6 + 1, 4]);
    expect(Array.from(frameScores({ ...video, scoring: { weights, top_patches: 4 } }))).toEqual([4 + 1, 2]);
    // null (and a plan.json from before the key existed): the mean, from the components.
    expect(Array.from(frameScores({ ...video, scoring: { weights, top_patches: null } }))).toEqual([4 + 1, 2]);
    expect(Array.from(frameScores({ ...video, scoring: { weights } }))).toEqual([5, 2]);
    expect(() => frameScores({ ...video, scoring: { weights, top_patches: 5 } })).toThrow(/4 patches/);
  });

  it('upsamples patch maps so each patch covers its pixels', () => {
    const up = upsamplePatchMaps(new Float32Array([1, 2, 3, 4]), 2, 1, 2, 2);
    // frame 0: [[1,1,2,2],[1,1,2,2]], frame 1: [[3,3,4,4],[3,3,4,4]]
    expect(Array.from(up)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

describe('erodeDilate', () => {
  it('removes a lone pixel by erosion and grows a block by dilation, as min / max filters', () => {
    // One 4x4 frame: a lone bright pixel at (0,0) and a 2x2 block at rows 2-3, columns 2-3.
    const map = new Float32Array([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0, 0, 5, 5]);
    // Erosion 2x2 (window offsets 0..1): the block shrinks to its top-left pixel; the lone pixel vanishes.
    expect(Array.from(erodeDilate(map, 1, 4, 4, 2, 0))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0]);
    // Two 3x3 dilations of that single pixel cover everything within 2 pixels of (2,2).
    expect(Array.from(erodeDilate(map, 1, 4, 4, 2, 3))).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(Array.from(erodeDilate(map, 1, 4, 4, 0, 0))).toEqual(Array.from(map));
  });
});
