// The token grid of a Plan: data.size cut into model.patch squares. The model, the scoring maps, the motion-weighted
// loss and the resource checks all need it; this is the one place it is computed.
import type { Plan } from './types.ts';

/** Patch grid of a frame: rows x cols patches of patch x patch pixels. */
export interface PatchGrid {
  patch: number;
  rows: number;
  cols: number;
}

/**
 * The grid of `plan` (rows = height / patch, cols = width / patch). A size the patch does not divide, which
 * validation rejects (check-cross-fields), gives the whole patches that fit, so resource estimates still run on it.
 */
export function planPatchGrid(plan: { data: Pick<Plan['data'], 'size'>; model: Pick<Plan['model'], 'patch'> }): PatchGrid {
  const [height, width] = plan.data.size;
  const { patch } = plan.model;
  return { patch, rows: Math.floor(height / patch), cols: Math.floor(width / patch) };
}
