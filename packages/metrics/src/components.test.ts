import { describe, expect, it } from 'vitest';
import { connectedComponents } from './components.ts';
import { tracksFromMasks } from './tracks.ts';

/** Builds a (H, W) mask from rows of '#' (foreground) and '.' (background). */
function mask(...rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join('').split(''), (character) => (character === '#' ? 1 : 0));
}

describe('connectedComponents', () => {
  const diagonal = mask('#..#', '.#.#', '....', '##..');

  it('joins diagonal neighbours with 8-connectivity, in raster order of first pixel', () => {
    const labeling = connectedComponents(diagonal, 4, 4, 8);
    expect(labeling.components).toEqual([
      { label: 1, box: [0, 0, 1, 1], area: 2 },
      { label: 2, box: [3, 0, 3, 1], area: 2 },
      { label: 3, box: [0, 3, 1, 3], area: 2 },
    ]);
    expect(Array.from(labeling.labels.slice(0, 8))).toEqual([1, 0, 0, 2, 0, 1, 0, 2]);
  });

  it('separates them with 4-connectivity', () => {
    expect(connectedComponents(diagonal, 4, 4, 4).count).toBe(4);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => connectedComponents([1, 0, 1], 2, 2)).toThrow(/expected 2x2/);
  });
});

describe('tracksFromMasks', () => {
  it('links overlapping components of consecutive frames and starts new tracks otherwise', () => {
    const frames = [
      mask('##....', '##....', '......'),
      mask('.##...', '.##...', '.....#'), // the square moves one pixel; a new object appears
      mask('......', '......', '......'), // nothing: both tracks end
      mask('.##...', '.##...', '......'), // same place as before, but after a gap: a new track
    ];
    const { frames: regions, trackCount } = tracksFromMasks(frames, 3, 6);
    expect(trackCount).toBe(3);
    expect(regions).toEqual([
      [{ trackId: 0, box: [0, 0, 1, 1], area: 4 }],
      [
        { trackId: 0, box: [1, 0, 2, 1], area: 4 },
        { trackId: 1, box: [5, 2, 5, 2], area: 1 },
      ],
      [],
      [{ trackId: 2, box: [1, 0, 2, 1], area: 4 }],
    ]);
  });

  it('continues the larger-overlap part on a split and the larger-overlap track on a merge', () => {
    const frames = [
      mask('#####.', '......'),
      mask('##.###', '......'), // split: [3..5] shares 2 pixels (3, 4), [0..1] shares 2 too -> tie: earlier label wins
      mask('######', '......'), // merge: the whole row overlaps track 0 (2 px) and track 1 (3 px) -> track 1 continues
    ];
    const { frames: regions, trackCount } = tracksFromMasks(frames, 2, 6);
    expect(regions[1]!.map((region) => region.trackId)).toEqual([0, 1]);
    expect(regions[2]!.map((region) => region.trackId)).toEqual([1]);
    expect(trackCount).toBe(2);
  });
});
