import { describe, expect, it } from 'vitest';
import { combineComponents, componentMaps, concatComponents, frameComponents, type PatchPredictions } from './components.ts';

// One frame of 2x4 pixels cut into two 2x2 patches (L = 2), F = 1 frame channel, A = 1 anomaly channel:
// V = 2 * 2 * 2 = 8 values per patch, pixel-major with channels innermost.
function predictions(): PatchPredictions {
  const target = new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, /* patch 2 */ 0, 0, 0, 0, 0, 0, 0, 0]);
  const teacher = new Float32Array([
    1, -1, 0, -1, 0, -1, 0, -1, // patch 1: one pixel off by 1; anomaly channel -1 (normal)
    0, 1, 0, 1, 0, -1, 0, -1, // patch 2: exact frame; anomaly channel +1 on two pixels
  ]);
  const student = Float32Array.from(teacher);
  student[0] = 0; // the student disagrees with the teacher by 1 on one value
  return { batch: 1, grid: { patch: 2, rows: 1, cols: 2 }, frameChannels: 1, anomalyChannels: 1, target, teacher, student, classifier: null };
}

describe('score components', () => {
  it('computes per-frame means by hand (L2)', () => {
    const components = frameComponents(predictions(), { teacher: 'l2', discrepancy: 'l2' });
    expect(components.teacher[0]).toBeCloseTo(1 / 8); // one pixel of 8 has error 1
    expect(components.discrepancy[0]).toBeCloseTo(1 / 16); // one value of 16 differs by 1
    expect(components.anomalyMap[0]).toBeCloseTo(2 / 8); // two pixels of 8 at probability 1
  });

  it('uses absolute errors for L1', () => {
    const p = predictions();
    p.teacher[0] = 3;
    const components = frameComponents(p, { teacher: 'l1', discrepancy: 'l1' });
    expect(components.teacher[0]).toBeCloseTo(3 / 8);
    expect(components.discrepancy[0]).toBeCloseTo(3 / 16);
  });

  it('lays the pixel maps out in image order', () => {
    const maps = componentMaps(predictions(), { teacher: 'l2', discrepancy: 'l2' });
    // image 2x4: row 0 = patch1(0,0) patch1(0,1) patch2(0,0) patch2(0,1)
    expect(Array.from(maps.teacher)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(maps.anomalyMap)).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('combines components with the scoring weights and concatenates batches', () => {
    const part = { teacher: new Float32Array([1, 2]), discrepancy: new Float32Array([10, 20]), anomalyMap: new Float32Array([100, 200]), classifier: null };
    const joined = concatComponents([part, part]);
    expect(Array.from(joined.teacher)).toEqual([1, 2, 1, 2]);
    const score = combineComponents(joined, { teacher: 1, discrepancy: 0.5, anomaly_map: 0.01, classifier: 7 });
    expect(Array.from(score)).toEqual([7, 14, 7, 14]);
  });
});
