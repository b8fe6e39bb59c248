// RBDC and TBDC from per-frame anomaly maps: at each threshold of a sweep, the predicted regions of a frame are the
// 8-connected components of its pixels above the threshold (box = the component's bounding box).
// Speed: one pass per frame, not one per threshold. Pixels are quantised to the number of thresholds they exceed
// and added to a union-find from the highest level down, so the components at every threshold appear in turn;
// component counts and bounding boxes are maintained under union, and only components whose bounding box meets a
// GT box (flagged when added or merged) are inspected at each level. Cost per frame ~ pixels x (1-2 finds) +
// levels x (components near GT); frames without GT keep counts only.
import type { Box } from './boxes.ts';
import { connectedComponents } from './components.ts';
import type { DetectionCurve } from './detection-curve.ts';
import { MetricsError } from './errors.ts';
import {
  DetectionTally,
  frameKey,
  indexGroundTruth,
  localizationResult,
  overlapOptions,
  type GroundTruthIndex,
  type GroundTruthRegion,
  type LocalizationOptions,
  type LocalizationResult,
} from './region-detection.ts';

/** One test video's anomaly maps, (T, H, W) row-major with T = frameCount, and its GT regions. */
export interface AnomalyMapVideo {
  name: string;
  frameCount: number;
  height: number;
  width: number;
  maps: ArrayLike<number>;
  groundTruth: readonly GroundTruthRegion[];
}

/** Overlaps plus the threshold sweep: a count (default 100) or an explicit list of thresholds. */
export interface MapLocalizationOptions extends LocalizationOptions {
  thresholds?: number | readonly number[];
}

/** A region of one anomaly map above a threshold, scored by its maximum value. */
export interface MapRegion {
  box: Box;
  score: number;
  area: number;
}

/**
 * The thresholds of a sweep, ascending. A count K gives K evenly spaced thresholds over the global [min, max) of
 * all maps, t_k = min + k (max - min) / K for k = 0..K-1 (the lowest keeps every pixel above the minimum); a list is
 * sorted and de-duplicated. A region is the pixels strictly greater than a threshold.
 */
export function mapThresholds(videos: readonly Pick<AnomalyMapVideo, 'name' | 'maps'>[], spec: number | readonly number[] = 100): number[] {
  if (typeof spec !== 'number') {
    if (spec.length === 0 || !spec.every(Number.isFinite)) {
      throw new MetricsError('INVALID_OPTION', 'map_thresholds must be a count or a non-empty list of finite numbers', { field: 'map_thresholds' });
    }
    return [...new Set(spec)].sort((a, b) => a - b);
  }
  if (!Number.isInteger(spec) || spec < 1 || spec > 65535) {
    throw new MetricsError('INVALID_OPTION', `map_thresholds count must be an integer in 1..65535, got ${spec}`, { field: 'map_thresholds' });
  }
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const video of videos) {
    const maps = video.maps;
    for (let i = 0; i < maps.length; i++) {
      const value = maps[i]!;
      if (value < minimum) minimum = value;
      if (value > maximum) maximum = value;
    }
  }
  if (minimum === Infinity) return [0];
  return Array.from({ length: spec }, (_, k) => minimum + ((maximum - minimum) * k) / spec);
}

/** The 8-connected regions of one (H, W) map with values > threshold, each scored by its maximum value. */
export function regionsFromMap(map: ArrayLike<number>, height: number, width: number, threshold: number): MapRegion[] {
  const mask = new Uint8Array(height * width);
  for (let i = 0; i < mask.length; i++) mask[i] = map[i]! > threshold ? 1 : 0;
  const labeling = connectedComponents(mask, height, width, 8);
  const maxima = new Float64Array(labeling.count + 1).fill(-Infinity);
  for (let i = 0; i < mask.length; i++) {
    const label = labeling.labels[i]!;
    if (label > 0 && map[i]! > maxima[label]!) maxima[label] = map[i]!;
  }
  return labeling.components.map((component) => ({ box: component.box, score: maxima[component.label]!, area: component.area }));
}

/** Reusable per-frame buffers (one frame of H x W). */
class FrameWorkspace {
  readonly level: Uint16Array;
  readonly order: Int32Array;
  /** Union-find in one array: UNSET = pixel not added yet; < 0 = a root, -(component size); >= 0 = parent. */
  readonly parent: Int32Array;
  readonly box: Int16Array; // 4 per pixel: x1, y1, x2, y2, valid at roots (maps are < 32768 pixels wide)
  readonly stamp: Int32Array;
  readonly flagged: Uint8Array; // root's box meets a GT box of the frame
  constructor(readonly pixels: number) {
    this.level = new Uint16Array(pixels);
    this.order = new Int32Array(pixels);
    this.parent = new Int32Array(pixels);
    this.box = new Int16Array(pixels * 4);
    this.stamp = new Int32Array(pixels);
    this.flagged = new Uint8Array(pixels);
  }
}

/**
 * RBDC and TBDC from anomaly maps (see module comment), with the overlap rules and areas of
 * `regionBasedDetection`: at each threshold, a GT region is detected when a component of its frame has box IoU >=
 * regionOverlap with it, and a component overlapping no GT region that much is a false positive. Curve points are
 * per threshold, highest first; lowering a threshold can merge regions, so the curve need not be monotone, and the
 * area uses its monotone envelope (`detectionCurveArea`).
 */
export function mapBasedDetection(videos: readonly AnomalyMapVideo[], options: MapLocalizationOptions = {}): LocalizationResult {
  const { regionOverlap, trackOverlap } = overlapOptions(options);
  const truth = indexGroundTruth(videos);
  const thresholds = mapThresholds(videos, options.thresholds ?? 100);
  const levels = thresholds.length;
  const falsePositives = new Float64Array(levels);
  const tallies = thresholds.map(() => new DetectionTally(truth, trackOverlap));
  let workspace: FrameWorkspace | null = null;
  videos.forEach((video, v) => {
    const pixels = video.height * video.width;
    if (!Number.isInteger(pixels) || video.maps.length !== video.frameCount * pixels) {
      throw new MetricsError('LENGTH_MISMATCH', `anomaly maps have ${video.maps.length} values, expected ${video.frameCount}x${video.height}x${video.width}`, {
        video: video.name,
        field: 'anomaly_maps',
      });
    }
    if (video.width > 32767 || video.height > 32767) {
      throw new MetricsError('INVALID_OPTION', `anomaly maps of ${video.height}x${video.width} exceed 32767 pixels a side`, { video: video.name, field: 'anomaly_maps' });
    }
    if (workspace === null || workspace.pixels !== pixels) workspace = new FrameWorkspace(pixels);
    for (let frame = 0; frame < video.frameCount; frame++) {
      const regions = truth.byFrame.get(frameKey(v, frame)) ?? [];
      sweepFrame(video, frame, thresholds, workspace, regions, truth, regionOverlap, falsePositives, tallies);
    }
  });
  const curve: DetectionCurve = { thresholds: [], falsePositivesPerFrame: [], regionDetectionRate: [], trackDetectionRate: [] };
  const regionCount = truth.regionTrack.length;
  const trackCount = truth.trackLength.length;
  for (let k = levels - 1; k >= 0; k--) {
    curve.thresholds.push(thresholds[k]!);
    curve.falsePositivesPerFrame.push(truth.frameCount === 0 ? 0 : falsePositives[k]! / truth.frameCount);
    curve.regionDetectionRate.push(regionCount === 0 ? 0 : tallies[k]!.detectedRegions / regionCount);
    curve.trackDetectionRate.push(trackCount === 0 ? 0 : tallies[k]!.detectedTracks / trackCount);
  }
  return localizationResult(curve, truth);
}

/** Number of thresholds strictly below `value` (thresholds ascending); a linear guess corrected by stepping. */
function levelOf(value: number, thresholds: readonly number[], low: number, step: number): number {
  let level = step > 0 ? Math.ceil((value - low) / step) : 0;
  if (level < 0) level = 0;
  if (level > thresholds.length) level = thresholds.length;
  while (level > 0 && !(thresholds[level - 1]! < value)) level--;
  while (level < thresholds.length && thresholds[level]! < value) level++;
  return level;
}

const UNSET = 0x7fffffff;

/** Root of a pixel's set, halving the path on the way (parent >= 0 links, < 0 marks a root). */
function find(parent: Int32Array, pixel: number): number {
  let next = parent[pixel]!;
  while (next >= 0) {
    const grand = parent[next]!;
    if (grand < 0) return next;
    parent[pixel] = grand;
    pixel = grand;
    next = parent[pixel]!;
  }
  return pixel;
}

/** Quantises one frame to levels and counting-sorts its pixels by level, highest first, into `work.order`. */
function quantiseFrame(video: AnomalyMapVideo, frame: number, thresholds: readonly number[], work: FrameWorkspace): Int32Array {
  const { level, order } = work;
  const maps = video.maps;
  const levels = thresholds.length;
  const offset = frame * work.pixels;
  const low = thresholds[0]!;
  const step = levels > 1 ? (thresholds[levels - 1]! - low) / (levels - 1) : 0;
  // starts[b] = first position of block b = levels - q (so the highest level comes first).
  const starts = new Int32Array(levels + 2);
  for (let i = 0; i < work.pixels; i++) {
    const value = maps[offset + i]!;
    if (!Number.isFinite(value)) {
      throw new MetricsError('NON_FINITE_SCORE', `anomaly map value ${value} at frame ${frame}, pixel ${i}`, {
        video: video.name,
        frame,
        index: i,
        field: 'anomaly_maps',
      });
    }
    const q = levelOf(value, thresholds, low, step);
    level[i] = q;
    starts[levels - q + 1]! += 1;
  }
  for (let j = 1; j <= levels + 1; j++) starts[j]! += starts[j - 1]!;
  const ends = starts.slice(1);
  for (let i = 0; i < work.pixels; i++) order[starts[levels - level[i]!]!++] = i;
  return ends; // ends[b] = one past the last position of block b
}

/** Per-frame union-find state handed to the small hot functions below (kept monomorphic for the JIT). */
interface FrameState {
  width: number;
  height: number;
  gtBoxes: Box[];
  hasTruth: boolean;
  candidates: number[];
  /**
   * IoU <= (box area) / (GT area), so a component whose box is smaller than regionOverlap x the smallest GT box of
   * the frame cannot match any GT region yet; such components are not candidates until a union grows them.
   */
  minimumCandidateArea: number;
  components: number;
}

/** Adds the pixels order[start..end) to the union-find, merging with added 8-neighbours. */
function addPixels(work: FrameWorkspace, state: FrameState, start: number, end: number): void {
  const { order, parent, box, flagged } = work;
  const { width, height, gtBoxes, hasTruth, candidates } = state;
  let components = 0;
  for (let cursor = start; cursor < end; cursor++) {
    const pixel = order[cursor]!;
    const y = (pixel / width) | 0;
    const x = pixel - y * width;
    parent[pixel] = -1;
    components += 1;
    // Boxes matter only where there is GT to match; elsewhere every component is a false positive.
    if (hasTruth) {
      box[pixel * 4] = x;
      box[pixel * 4 + 1] = y;
      box[pixel * 4 + 2] = x;
      box[pixel * 4 + 3] = y;
      if (1 >= state.minimumCandidateArea && meetsAny(gtBoxes, x, y, x, y)) {
        flagged[pixel] = 1;
        candidates.push(pixel);
      }
    }
    // Union with the already-added 8-neighbours. Invariant: any two added 8-adjacent pixels are already in one
    // set, so a neighbour adjacent to another added neighbour that is (or will be) united needs no find: of
    // N, W, E, S and the corners, only the ones below are united (typically 1-2 finds instead of up to 8).
    const north = y > 0 && parent[pixel - width] !== UNSET;
    const south = y < height - 1 && parent[pixel + width] !== UNSET;
    const west = x > 0 && parent[pixel - 1] !== UNSET;
    const east = x < width - 1 && parent[pixel + 1] !== UNSET;
    let root = pixel;
    if (north) root = unite(work, state, root, pixel - width);
    if (west && !north) root = unite(work, state, root, pixel - 1);
    if (east && !north) root = unite(work, state, root, pixel + 1);
    if (south && !west && !east) root = unite(work, state, root, pixel + width);
    if (y > 0) {
      if (x > 0 && !north && !west && parent[pixel - width - 1] !== UNSET) root = unite(work, state, root, pixel - width - 1);
      if (x < width - 1 && !north && !east && parent[pixel - width + 1] !== UNSET) root = unite(work, state, root, pixel - width + 1);
    }
    if (y < height - 1) {
      if (x > 0 && !south && !west && parent[pixel + width - 1] !== UNSET) root = unite(work, state, root, pixel + width - 1);
      if (x < width - 1 && !south && !east && parent[pixel + width + 1] !== UNSET) root = unite(work, state, root, pixel + width + 1);
    }
  }
  state.components += components;
}

/** Unites the set of `root` (a root) with the set of `neighbour`; returns the surviving root (union by size). */
function unite(work: FrameWorkspace, state: FrameState, root: number, neighbour: number): number {
  const { parent, box, flagged } = work;
  const other = find(parent, neighbour);
  if (other === root) return root;
  let keep = root;
  let drop = other;
  if (parent[keep]! > parent[drop]!) {
    // sizes are stored negated at roots: the larger component survives
    keep = other;
    drop = root;
  }
  parent[keep]! += parent[drop]!;
  parent[drop] = keep;
  state.components -= 1;
  if (!state.hasTruth) return keep;
  const k4 = keep * 4;
  const d4 = drop * 4;
  if (box[d4]! < box[k4]!) box[k4] = box[d4]!;
  if (box[d4 + 1]! < box[k4 + 1]!) box[k4 + 1] = box[d4 + 1]!;
  if (box[d4 + 2]! > box[k4 + 2]!) box[k4 + 2] = box[d4 + 2]!;
  if (box[d4 + 3]! > box[k4 + 3]!) box[k4 + 3] = box[d4 + 3]!;
  if (flagged[keep] === 0) {
    // A merged box can meet a GT box that neither part met (or grow big enough): it becomes a candidate.
    if (flagged[drop] === 1) flagged[keep] = 1;
    else if (
      (box[k4 + 2]! - box[k4]! + 1) * (box[k4 + 3]! - box[k4 + 1]! + 1) >= state.minimumCandidateArea &&
      meetsAny(state.gtBoxes, box[k4]!, box[k4 + 1]!, box[k4 + 2]!, box[k4 + 3]!)
    ) {
      flagged[keep] = 1;
      state.candidates.push(keep);
    }
  }
  return keep;

}

/**
 * At the end of a level: the components whose box meets a GT box are matched against the frame's GT regions
 * (detections recorded in `tally`); returns how many match some region. Compacts `candidates` to distinct roots.
 */
function matchCandidates(work: FrameWorkspace, state: FrameState, stampValue: number, regions: readonly number[], regionOverlap: number, tally: DetectionTally): number {
  const { parent, box, stamp } = work;
  const candidates = state.candidates;
  let distinct = 0;
  for (let i = 0; i < candidates.length; i++) {
    const root = find(parent, candidates[i]!);
    if (stamp[root] === stampValue) continue;
    stamp[root] = stampValue;
    candidates[distinct++] = root;
  }
  candidates.length = distinct;
  let matched = 0;
  const gtBoxes = state.gtBoxes;
  for (let i = 0; i < distinct; i++) {
    const root = candidates[i]!;
    const [x1, y1, x2, y2] = [box[root * 4]!, box[root * 4 + 1]!, box[root * 4 + 2]!, box[root * 4 + 3]!];
    const area = (x2 - x1 + 1) * (y2 - y1 + 1);
    let matches = false;
    for (let r = 0; r < regions.length; r++) {
      // boxIou inlined: this runs for every candidate at every level
      const gt = gtBoxes[r]!;
      const width = Math.min(x2, gt[2]) - Math.max(x1, gt[0]) + 1;
      const height = Math.min(y2, gt[3]) - Math.max(y1, gt[1]) + 1;
      if (width <= 0 || height <= 0) continue;
      const intersection = width * height;
      const gtArea = (gt[2] - gt[0] + 1) * (gt[3] - gt[1] + 1);
      if (intersection / (area + gtArea - intersection) >= regionOverlap) {
        matches = true;
        tally.detect(regions[r]!);
      }
    }
    if (matches) matched += 1;
  }
  return matched;
}

function sweepFrame(
  video: AnomalyMapVideo,
  frame: number,
  thresholds: readonly number[],
  work: FrameWorkspace,
  regions: readonly number[],
  truth: GroundTruthIndex,
  regionOverlap: number,
  falsePositives: Float64Array,
  tallies: readonly DetectionTally[],
): void {
  const levels = thresholds.length;
  const ends = quantiseFrame(video, frame, thresholds, work);
  work.parent.fill(UNSET);
  const gtBoxes = regions.map((region) => truth.regionBox[region]!);
  const state: FrameState = {
    width: video.width,
    height: video.height,
    gtBoxes,
    hasTruth: gtBoxes.length > 0,
    candidates: [],
    // (1 - 1e-9): stay conservative where regionOverlap x area rounds up (0.1 x 30 = 3.0000000000000004)
    minimumCandidateArea: regionOverlap * (1 - 1e-9) * Math.min(...gtBoxes.map((gt) => (gt[2] - gt[0] + 1) * (gt[3] - gt[1] + 1))),
    components: 0,
  };
  if (state.hasTruth) {
    work.flagged.fill(0);
    work.stamp.fill(0);
  }
  let cursor = 0;
  for (let q = levels; q >= 1; q--) {
    const end = ends[levels - q]!;
    addPixels(work, state, cursor, end);
    cursor = end;
    // The mask of threshold index q - 1 is complete: pixels above thresholds[q - 1].
    const matched = state.candidates.length > 0 ? matchCandidates(work, state, q, regions, regionOverlap, tallies[q - 1]!) : 0;
    falsePositives[q - 1]! += state.components - matched;
  }
}

/** Whether the inclusive box [x1, y1, x2, y2] shares a pixel with any of the boxes. */
function meetsAny(boxes: readonly Box[], x1: number, y1: number, x2: number, y2: number): boolean {
  for (const gt of boxes) if (x1 <= gt[2] && x2 >= gt[0] && y1 <= gt[3] && y2 >= gt[1]) return true;
  return false;
}
