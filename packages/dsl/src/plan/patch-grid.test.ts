import { describe, expect, it } from 'vitest';
import { planPatchGrid } from './patch-grid.ts';

describe('planPatchGrid', () => {
  it('cuts data.size into model.patch squares, rows by height and cols by width', () => {
    expect(planPatchGrid({ data: { size: [160, 320] }, model: { patch: 16 } })).toEqual({ patch: 16, rows: 10, cols: 20 });
  });

  it('counts only whole patches of a size the patch does not divide (validation rejects it; estimates still run)', () => {
    expect(planPatchGrid({ data: { size: [33, 70] }, model: { patch: 16 } })).toEqual({ patch: 16, rows: 2, cols: 4 });
  });
});
