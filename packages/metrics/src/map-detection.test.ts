import { describe, expect, it } from 'vitest';
import { boxIou, type Box } from './boxes.ts';
import { mapBasedDetection, mapThresholds, regionsFromMap, type AnomalyMapVideo } from './map-detection.ts';
import type { GroundTruthRegion } from './region-detection.ts';

/** A deterministic generator (LCG) so the comparison below is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The definition, computed naively: components at every threshold, matched against GT, counted. */
function naiveCurve(video: AnomalyMapVideo, thresholds: number[]) {
  const pixels = video.height * video.width;
  const trackLength = new Map<number, number>();
  for (const region of video.groundTruth) trackLength.set(region.trackId, (trackLength.get(region.trackId) ?? 0) + 1);
  const rows = [...thresholds].reverse().map((threshold) => {
    let falsePositives = 0;
    const detected = new Set<GroundTruthRegion>();
    for (let frame = 0; frame < video.frameCount; frame++) {
      const map = Array.from(video.maps).slice(frame * pixels, (frame + 1) * pixels);
      const truth = video.groundTruth.filter((region) => region.frame === frame);
      for (const region of regionsFromMap(map, video.height, video.width, threshold)) {
        const hits = truth.filter((gt) => boxIou(gt.box, region.box) >= 0.1);
        hits.forEach((gt) => detected.add(gt));
        if (hits.length === 0) falsePositives += 1;
      }
    }
    const hitsPerTrack = new Map<number, number>();
    for (const gt of detected) hitsPerTrack.set(gt.trackId, (hitsPerTrack.get(gt.trackId) ?? 0) + 1);
    const tracks = [...hitsPerTrack].filter(([track, hits]) => hits / trackLength.get(track)! >= 0.1).length;
    return [falsePositives / video.frameCount, detected.size / video.groundTruth.length, tracks / trackLength.size];
  });
  return rows;
}

describe('regionsFromMap', () => {
  it('finds 8-connected regions above the threshold, scored by their maximum', () => {
    // 3 x 4 map; the diagonal pair (0,0)-(1,1) is one region under 8-connectivity
    const map = [0.9, 0, 0, 0.4, 0, 0.6, 0, 0.2, 0, 0, 0, 0.7];
    expect(regionsFromMap(map, 3, 4, 0.3)).toEqual([
      { box: [0, 0, 1, 1], score: 0.9, area: 2 },
      { box: [3, 0, 3, 0], score: 0.4, area: 1 },
      { box: [3, 2, 3, 2], score: 0.7, area: 1 },
    ]);
  });
});

describe('mapThresholds', () => {
  it('spaces a count evenly over [min, max) of all maps; sorts and de-duplicates a list', () => {
    const videos = [{ name: 'a', maps: [0.5, 1] }, { name: 'b', maps: [0, 0.25] }];
    expect(mapThresholds(videos, 4)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(mapThresholds(videos, [0.5, 0.1, 0.5])).toEqual([0.1, 0.5]);
    expect(() => mapThresholds(videos, 0)).toThrow(/map_thresholds/);
  });
});

describe('mapBasedDetection', () => {
  it('scores a detected GT region and a false positive blob by hand', () => {
    // 4 frames of 6 x 6; GT in frame 1 at [1, 1, 2, 2]; a 0.9 blob on it; a 0.5 blob elsewhere in frame 3
    const maps = new Float32Array(4 * 36);
    for (const [x, y] of [[1, 1], [2, 1], [1, 2], [2, 2]]) maps[36 + y! * 6 + x!] = 0.9;
    maps[3 * 36 + 4 * 6 + 4] = 0.5;
    const video = { name: 'v', frameCount: 4, height: 6, width: 6, maps, groundTruth: [{ frame: 1, trackId: 0, box: [1, 1, 2, 2] as Box }] };
    const result = mapBasedDetection([video], { thresholds: [0.25, 0.75] });
    expect(result.curve).toEqual({
      thresholds: [0.75, 0.25],
      falsePositivesPerFrame: [0, 0.25],
      regionDetectionRate: [1, 1],
      trackDetectionRate: [1, 1],
    });
    expect(result.rbdc).toBe(1);
    expect(result.tbdc).toBe(1);
  });

  it.each([42, 7, 2024])('matches the naive per-threshold definition on random maps (seed %d)', (seed) => {
    const next = random(seed);
    const [frameCount, height, width] = [6, 12, 15];
    const maps = Float32Array.from({ length: frameCount * height * width }, () => Math.round(next() * 20) / 20);
    const groundTruth: GroundTruthRegion[] = [];
    for (let frame = 0; frame < frameCount; frame++) {
      for (let trackId = 0; trackId < 2; trackId++) {
        const x = Math.floor(next() * 10);
        const y = Math.floor(next() * 8);
        groundTruth.push({ frame, trackId, box: [x, y, x + 1 + Math.floor(next() * 4), y + 1 + Math.floor(next() * 3)] });
      }
    }
    const video = { name: 'v', frameCount, height, width, maps, groundTruth };
    const thresholds = mapThresholds([video], 9);
    const result = mapBasedDetection([video], { thresholds: 9 });
    const expected = naiveCurve(video, thresholds);
    expect(result.curve.thresholds).toEqual([...thresholds].reverse());
    result.curve.falsePositivesPerFrame.forEach((value, i) => {
      expect([value, result.curve.regionDetectionRate[i], result.curve.trackDetectionRate[i]]).toEqual(expected[i]);
    });
    expect(new Set(result.curve.regionDetectionRate).size).toBeGreaterThan(1);
  });

  it('detects a region exactly at IoU 0.1 of a GT box (3 pixels inside a 30-pixel box)', () => {
    const maps = new Float32Array(2 * 30);
    maps.set([1, 1, 1], 30 + 4); // frame 1, row 1, columns 4..6
    const video = { name: 'v', frameCount: 1, height: 2, width: 30, maps, groundTruth: [{ frame: 0, trackId: 0, box: [0, 1, 29, 1] as Box }] };
    const result = mapBasedDetection([video], { thresholds: [0.5] });
    expect(result.curve.regionDetectionRate).toEqual([1]);
    expect(result.curve.falsePositivesPerFrame).toEqual([0]);
  });

  it('rejects NaN map values and maps of the wrong size, naming the video', () => {
    const base = { name: 'v', frameCount: 1, height: 2, width: 2, groundTruth: [] };
    expect(() => mapBasedDetection([{ ...base, maps: [0, NaN, 0, 1] }], { thresholds: [0.5] })).toThrow(/frame 0, pixel 1/);
    expect(() => mapBasedDetection([{ ...base, maps: [0, 1, 0] }])).toThrow(/expected 1x2x2/);
  });
});
