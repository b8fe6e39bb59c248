// Ground-truth regions with track ids from per-frame pixel masks, for datasets that give masks but no tracks
// (Avenue, ShanghaiTech, UCSD): the regions RBDC counts and the tracks TBDC counts.
import type { Box } from './boxes.ts';
import { connectedComponents, type ComponentLabeling } from './components.ts';
import { MetricsError } from './errors.ts';

/** A ground-truth region: one box of one track in one frame. */
export interface TrackedRegion {
  trackId: number;
  box: Box;
  /** Pixels of the mask component (0 when the region did not come from a mask). */
  area: number;
}

/** Regions per frame (`frames[t]`, possibly empty) and the number of tracks (ids are 0..trackCount-1). */
export interface MaskTracks {
  frames: TrackedRegion[][];
  trackCount: number;
}

/**
 * Splits each (H, W) mask into connected components (8-connectivity by default) and links components of
 * consecutive frames into tracks by pixel overlap: pairs (previous component, current component) sharing at least
 * one pixel are taken greedily from the largest overlap down (ties: earlier previous label, then earlier current
 * label); a pair links when neither its current component nor its previous track is taken yet. So a track holds at
 * most one region per frame; on a split the larger-overlap part continues and the others start new tracks; on a
 * merge the larger-overlap track continues and the others end. A component overlapping nothing starts a new track;
 * a track that skips a frame ends (no gap bridging). Track ids are numbered in order of first appearance.
 */
export function tracksFromMasks(
  masks: Iterable<ArrayLike<number | boolean>>,
  height: number,
  width: number,
  connectivity: 4 | 8 = 8,
): MaskTracks {
  const frames: TrackedRegion[][] = [];
  let trackCount = 0;
  let previous: ComponentLabeling | null = null;
  let previousTracks: number[] = [];
  let frame = 0;
  for (const mask of masks) {
    if (mask.length !== height * width) {
      throw new MetricsError('LENGTH_MISMATCH', `mask of frame ${frame} has ${mask.length} values, expected ${height}x${width}`, {
        frame,
        field: 'mask',
      });
    }
    const current = connectedComponents(mask, height, width, connectivity);
    const tracks = new Array<number>(current.count).fill(-1);
    if (previous !== null && previous.count > 0 && current.count > 0) {
      const overlaps = new Map<number, number>(); // key = previousLabel * (current.count + 1) + currentLabel
      for (let i = 0; i < current.labels.length; i++) {
        const before = previous.labels[i]!;
        const now = current.labels[i]!;
        if (before > 0 && now > 0) {
          const key = before * (current.count + 1) + now;
          overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
        }
      }
      const pairs = [...overlaps].map(([key, pixels]) => ({
        before: Math.floor(key / (current.count + 1)),
        now: key % (current.count + 1),
        pixels,
      }));
      pairs.sort((a, b) => b.pixels - a.pixels || a.before - b.before || a.now - b.now);
      const continued = new Set<number>();
      for (const pair of pairs) {
        const track = previousTracks[pair.before - 1]!;
        if (tracks[pair.now - 1] !== -1 || continued.has(track)) continue;
        tracks[pair.now - 1] = track;
        continued.add(track);
      }
    }
    for (let c = 0; c < current.count; c++) if (tracks[c] === -1) tracks[c] = trackCount++;
    frames.push(current.components.map((component, c) => ({ trackId: tracks[c]!, box: component.box, area: component.area })));
    previous = current;
    previousTracks = tracks;
    frame += 1;
  }
  return { frames, trackCount };
}
