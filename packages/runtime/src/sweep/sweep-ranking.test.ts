// A sweep ranks its combinations by validation only: with the test labels shuffled, every test metric moves and the
// ranking stays the same.
import { describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { Random } from '../random.ts';
import { type VideoTruth } from '../data/types.ts';
import { evaluateCombination, rankByValidation, type Rankable, type StoredSplit } from './sweep-ranking.ts';
import type { StoredComponents } from '../run-folder/sweep-components.ts';

const ROWS = 2;
const COLS = 3;

// Stored components of `videos` videos of `frames` frames with seeded values (components.bin as decoded).
function stored(seed: number, videos: number, frames: number): StoredComponents {
  const random = new Random(seed);
  const values = (count: number) => Float32Array.from({ length: count }, () => random.next());
  const names = Array.from({ length: videos }, (_, index) => `v${index}`);
  return {
    header: { version: 1, errors: { teacher: 'l2', discrepancy: 'l2' }, rows: ROWS, cols: COLS, videos: names.map((name) => ({ name, frameCount: frames, classifier: false })) },
    videos: names.map((name) => ({
      name, frameCount: frames,
      frames: { teacher: values(frames), discrepancy: values(frames), anomalyMap: values(frames), classifier: null },
      patches: { teacher: values(frames * ROWS * COLS), discrepancy: values(frames * ROWS * COLS), anomalyMap: values(frames * ROWS * COLS) },
    })),
  };
}

function truthOf(labels: Map<string, number[]>): (video: string) => VideoTruth | null {
  return (video) => ({ labels: labels.get(video)!, resolution: [ROWS * 4, COLS * 4], masks: null, regions: null });
}

// Labels with a run of anomalous frames per video.
function labels(videos: number, frames: number, seed: number): Map<string, number[]> {
  const random = new Random(seed);
  return new Map(Array.from({ length: videos }, (_, index) => {
    const start = random.integer(0, frames / 2);
    return [`v${index}`, Array.from({ length: frames }, (_, frame) => (frame >= start && frame < start + frames / 3 ? 1 : 0))];
  }));
}

function shuffled(original: Map<string, number[]>, seed: number): Map<string, number[]> {
  const random = new Random(seed);
  return new Map([...original].map(([video, values]) => [video, random.shuffle([...values])]));
}

// Only what evaluateRun and the stored components read.
const plan = {
  data: { size: [ROWS * 4, COLS * 4] }, model: { patch: 4 },
  scoring: { weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5, classifier: 0 }, errors: { teacher: 'l2', discrepancy: 'l2' }, smoothing: { kind: 'gaussian', range: 4, sigma: 1 }, normalize: false, top_patches: null, maps: { erode: 0, dilate: 0 } },
  eval: { metrics: ['micro_auc', 'macro_auc'], region_overlap: 0.1, track_overlap: 0.1, map_thresholds: 10 },
} as unknown as Plan;

const cells: Array<Plan['scoring']['weights'] & { top_patches: number | null }> = [
  { teacher: 1, discrepancy: 0, anomaly_map: 0, classifier: 0, top_patches: null },
  { teacher: 0, discrepancy: 1, anomaly_map: 0, classifier: 0, top_patches: null },
  { teacher: 0, discrepancy: 0, anomaly_map: 1, classifier: 0, top_patches: null },
  { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5, classifier: 0, top_patches: 2 },
  { teacher: 1, discrepancy: 1, anomaly_map: 0, classifier: 0, top_patches: 1 },
  { teacher: 0, discrepancy: 1, anomaly_map: 2, classifier: 0, top_patches: null },
];

function sweepWith(test: StoredSplit, validation: StoredSplit): Array<Rankable & { test: number | null }> {
  const entries = cells.map(({ top_patches, ...weights }, index) => {
    const cell: Plan = { ...plan, scoring: { ...plan.scoring, weights, top_patches } };
    const result = evaluateCombination(cell, test, validation);
    return { index, validation: result.validation, rank: null, test: result.metrics.micro_auc };
  });
  rankByValidation(entries, 'micro_auc');
  return entries;
}

describe('ranking a sweep', () => {
  const testComponents = stored(1, 3, 24);
  const validation: StoredSplit = { stored: stored(2, 2, 24), truthOf: truthOf(labels(2, 24, 3)) };
  const testLabels = labels(3, 24, 4);

  it('ranks identically with shuffled test labels, while the test metrics change', () => {
    const original = sweepWith({ stored: testComponents, truthOf: truthOf(testLabels) }, validation);
    const reshuffled = sweepWith({ stored: testComponents, truthOf: truthOf(shuffled(testLabels, 5)) }, validation);
    expect(reshuffled.map((entry) => entry.rank)).toEqual(original.map((entry) => entry.rank));
    expect(reshuffled.map((entry) => entry.test)).not.toEqual(original.map((entry) => entry.test));
    expect(new Set(original.map((entry) => entry.rank))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it('puts the highest validation metric first, and ranks nothing without validation', () => {
    const entries = sweepWith({ stored: testComponents, truthOf: truthOf(testLabels) }, validation);
    const order = [...entries].sort((a, b) => a.rank! - b.rank!).map((entry) => entry.validation!.micro_auc!);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    const ranking = rankByValidation(entries, null);
    expect(ranking.by).toBeNull();
    expect(entries.every((entry) => entry.rank === null)).toBe(true);
  });

  it('marks as ties the combinations within the tolerance of the top one, and says how far validation was shown to agree', () => {
    const entries: Rankable[] = [0.9, 0.885, 0.87, 0.895].map((micro, index) => ({ index, validation: { micro_auc: micro, macro_auc: null, pixel_auc: null }, rank: null }));
    const ranking = rankByValidation(entries, 'micro_auc', 0.01);
    expect(entries.map((entry) => entry.rank)).toEqual([1, 3, 4, 2]);
    // 0.895 is within 0.01 of 0.9; 0.885 (0.015 below) and 0.87 are separated.
    expect(entries.map((entry) => entry.tied)).toEqual([true, false, false, true]);
    expect(ranking.tolerance).toBe(0.01);
    expect(ranking.note).toMatch(/2 combinations lie within 0.01 of the top one/);
    expect(ranking.agreement).toMatch(/bench\/RESULTS.md/);
    // Without a tolerance only equal values tie; a lone top is never marked.
    rankByValidation(entries, 'micro_auc');
    expect(entries.every((entry) => entry.tied === false)).toBe(true);
  });
});
