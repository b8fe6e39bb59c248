import { describe, expect, it } from 'vitest';
import type { Plan } from '@vadc/dsl';
import { combinePatchMaps } from '../score/components.ts';
import { type FrameOutputs } from '../model/inference.ts';
import { type VideoScores } from '../score/score-video.ts';
import { ComponentsError, decodeComponents, encodeComponents, PatchComponentCollector, videoScoresFromComponents } from './sweep-components.ts';

// A batch of a 1x2 patch grid: `frames` are the batch's frame indices.
function outputs(frames: number[], base: number): FrameOutputs {
  const values = (scale: number) => Float32Array.from({ length: frames.length * 2 }, (_, index) => base + scale * index);
  return {
    size: frames.length, frames, rows: 1, cols: 2, hidden: new Float32Array(frames.length * 2),
    teacherError: { l1: values(1), l2: values(2) }, anomalyError: null, discrepancy: { l1: values(3), l2: values(4) },
    anomalyMap: values(0.125), classifier: null, teacher: null, student: null,
  };
}

describe('components.bin', () => {
  // Only plan.scoring is read.
  const plan = { scoring: { weights: { teacher: 1, discrepancy: 1, anomaly_map: 1, classifier: 0 }, errors: { teacher: 'l2', discrepancy: 'l2' } } } as unknown as Plan;
  const errors = { teacher: 'l2', discrepancy: 'l1' } as const;
  const collector = new PatchComponentCollector(errors);
  collector.add('b', 3, outputs([0, 1], 10));
  collector.add('b', 3, outputs([2], 20));
  collector.add('a', 1, outputs([0], 30));
  const scored: VideoScores[] = [
    { name: 'b', frameCount: 3, rows: 1, cols: 2, patchMaps: new Float32Array(6), truth: null, scoring: { weights: { teacher: 1, discrepancy: 1, anomaly_map: 1, classifier: 0 } },
      components: { teacher: new Float32Array([1, 2, 3]), discrepancy: new Float32Array([4, 5, 6]), anomalyMap: new Float32Array([0.1, 0.2, 0.3]), classifier: new Float32Array([0, 1, 0.5]) } },
    { name: 'a', frameCount: 1, rows: 1, cols: 2, patchMaps: new Float32Array(2), truth: null, scoring: { weights: { teacher: 1, discrepancy: 1, anomaly_map: 1, classifier: 0 } },
      components: { teacher: new Float32Array([7]), discrepancy: new Float32Array([8]), anomalyMap: new Float32Array([0.9]), classifier: null } },
  ];

  it('round-trips frame components and patch maps collected batch by batch', () => {
    const stored = decodeComponents(encodeComponents(scored, collector, errors));
    expect(stored.header).toMatchObject({ errors, rows: 1, cols: 2 });
    expect(stored.videos.map((video) => video.name)).toEqual(['b', 'a']);
    const [b, a] = stored.videos;
    expect(Array.from(b!.frames.classifier!)).toEqual([0, 1, 0.5]);
    expect(a!.frames.classifier).toBeNull();
    expect(Array.from(a!.frames.anomalyMap)).toEqual([Math.fround(0.9)]);
    // teacher l2 of batch 1 = 10 + 2i over 4 patches, then batch 2 = 20 + 2i over 2; discrepancy l1 = base + 3i.
    expect(Array.from(b!.patches.teacher)).toEqual([10, 12, 14, 16, 20, 22]);
    expect(Array.from(b!.patches.discrepancy)).toEqual([10, 13, 16, 19, 20, 23]);
    expect(Array.from(a!.patches.anomalyMap)).toEqual([30, 30.125]);
  });

  it('gives the patch maps of any weights, and refuses other error kinds', () => {
    const stored = decodeComponents(encodeComponents(scored, collector, errors));
    const weights = { teacher: 0.5, discrepancy: 2, anomaly_map: 1, classifier: 0 };
    const weighted = { ...plan, scoring: { ...plan.scoring, errors, weights } };
    const truth = { labels: [0, 1, 0], resolution: [8, 8] as [number, number], masks: null, regions: null };
    const videos = videoScoresFromComponents(stored, weighted, (name) => (name === 'b' ? truth : null));
    expect(Array.from(videos[0]!.patchMaps)).toEqual(Array.from(combinePatchMaps(collector.patches('b'), weights)));
    expect(videos[0]!.patchMaps[0]).toBe(0.5 * 10 + 2 * 10 + 10 * 0.5 * 0 + 10);
    expect(videos[0]!.truth).toBe(truth);
    expect(videos[1]!.truth).toBeNull();
    const l2 = { ...plan, scoring: { ...plan.scoring, errors: { teacher: 'l2', discrepancy: 'l2' } as const } };
    expect(() => videoScoresFromComponents(stored, l2, () => null)).toThrow(expect.objectContaining({ code: 'ERRORS_DIFFER' }));
  });

  it('rejects bytes that are not a components file', () => {
    const bytes = encodeComponents(scored, collector, errors);
    expect(() => decodeComponents(bytes.subarray(0, bytes.length - 4))).toThrow(ComponentsError);
    expect(() => decodeComponents(new TextEncoder().encode('VADCCMP2xxxx'))).toThrow(/signature/);
  });
});
