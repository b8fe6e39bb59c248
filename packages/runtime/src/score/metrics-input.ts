// The metrics of any method's outputs, from one JSON document (format in packages/metrics/README.md): frame AUC
// (micro, macro), RBDC, TBDC and pixel AUC, as the metrics result a run writes (metrics-result.ts); a metric the
// input cannot give is null. This is `vadc metrics`' work, here so a program gets the same result without the CLI.
// Shapes, types and ranges are checked by a JSON Schema (metrics-input-schema.ts), every problem as file, JSON path,
// expected and found; what a schema cannot say (lengths, frame indices, boxes) is checked below. Any problem is one
// UsageError naming the input file, then the video and the field. Referenced .npy files are read only inside the
// input's folder and the allowed folders (metrics-input-files.ts).
import { dirname, resolve } from 'node:path';
import {
  MetricsError,
  frameAuc,
  isBox,
  mapBasedDetection,
  pixelAuc,
  regionBasedDetection,
  resolveSmoothing,
  rocCurve,
  tracksFromMasks,
  type GroundTruthRegion,
  type LocalizationResult,
  type ScoredRegion,
  type SmoothingSpec,
} from '@vadc/metrics';
import { sectionDefaults } from '@vadc/dsl';
import { NpyError, parseNpy, type NpyArray } from '../data/formats/npy.ts';
import { UsageError } from '../run-io.ts';
import { emptyMetricsResult, localizationJson, rocJson, type MetricsResult } from './metrics-result.ts';
import { checkMetricsInput, formatMetricsInputDiagnostic } from './metrics-input-schema.ts';
import { allowedFolders, MAX_INPUT_JSON_BYTES, MAX_NPY_BYTES, readBoundedFile } from './metrics-input-files.ts';

type Json = Record<string, unknown>;

interface Video {
  name: string;
  labels: number[];
  scores: number[] | null;
  groundTruth: GroundTruthRegion[] | null;
  predictions: ScoredRegion[] | null;
  maps: NpyArray | null;
  masks: NpyArray | null;
}

function fail(video: string | null, field: string, message: string): never {
  throw new UsageError(video === null ? `${field}: ${message}` : `video "${video}": ${field}: ${message}`);
}

function numberList(value: unknown, video: string, field: string, length: number): number[] {
  const list = value as number[]; // shape checked by METRICS_INPUT_SCHEMA
  if (list.length !== length) fail(video, field, `has ${list.length} values but labels has ${length}`);
  return list;
}

/** Sparse regions `{"frame": [region, ...]}` (shape checked by the schema) -> flat list, checked against the video length. */
function sparseRegions<T>(value: unknown, video: string, field: string, length: number, read: (region: Json, where: string) => T): T[] {
  const regions: T[] = [];
  for (const [key, list] of Object.entries(value as Record<string, Json[]>)) {
    const frame = Number(key);
    if (frame >= length) fail(video, `${field}["${key}"]`, `frame index must be an integer in 0..${length - 1}`);
    list.forEach((region, index) => {
      const where = `${field}["${key}"][${index}]`;
      if (!isBox(region.box)) fail(video, `${where}.box`, 'must be [x1, y1, x2, y2] with x1 <= x2, y1 <= y2 (inclusive pixels)');
      regions.push(read({ ...region, frame }, where));
    });
  }
  return regions;
}

/** Where referenced files are resolved from and may lie. */
interface FileScope {
  base: string;
  folders: string[];
}

async function readNpy(scope: FileScope, value: unknown, video: string, field: string, frames: number, expected: [number, number] | null): Promise<NpyArray> {
  if (typeof value !== 'string') fail(video, field, 'must be a path to a .npy file, relative to the input JSON');
  let array: NpyArray;
  try {
    const bytes = await readBoundedFile(resolve(scope.base, value), `video "${video}": ${field}: ${value}`, MAX_NPY_BYTES, scope.folders);
    array = parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyError) fail(video, field, `${value}: ${error.message}`);
    throw error;
  }
  const [count, height, width] = array.shape;
  if (array.shape.length !== 3 || count !== frames) fail(video, field, `${value} has shape (${array.shape.join(', ')}), expected (${frames}, H, W)`);
  if (expected && (height !== expected[0] || width !== expected[1])) fail(video, field, `${value} is ${height}x${width}, the anomaly maps are ${expected[0]}x${expected[1]}`);
  return array;
}

/** One video of the input (its shape checked by METRICS_INPUT_SCHEMA): lengths, frames and files checked here. */
async function readVideo(value: Json, scope: FileScope): Promise<Video> {
  const name = value.name as string;
  const labels = value.labels as number[];
  const length = labels.length;
  const groundTruth =
    value.gt_regions === undefined
      ? null
      : sparseRegions(value.gt_regions, name, 'gt_regions', length, (region) => ({ frame: region.frame as number, trackId: region.track_id as number, box: region.box as GroundTruthRegion['box'] }));
  const predictions =
    value.pred_regions === undefined
      ? null
      : sparseRegions(value.pred_regions, name, 'pred_regions', length, (region) => ({ frame: region.frame as number, score: region.score as number, box: region.box as ScoredRegion['box'] }));
  const maps = value.anomaly_maps === undefined ? null : await readNpy(scope, value.anomaly_maps, name, 'anomaly_maps', length, null);
  const masks =
    value.gt_masks === undefined ? null : await readNpy(scope, value.gt_masks, name, 'gt_masks', length, maps ? [maps.shape[1]!, maps.shape[2]!] : null);
  if (value.gt_regions !== undefined && masks) fail(name, 'gt_regions', 'give gt_regions or gt_masks, not both');
  if (predictions && maps) fail(name, 'pred_regions', 'give pred_regions or anomaly_maps, not both');
  const scores = value.scores === undefined ? null : numberList(value.scores, name, 'scores', length);
  return { name, labels, scores, groundTruth, predictions, maps, masks };
}

interface Config {
  smoothing: SmoothingSpec;
  normalize: boolean | undefined;
  regionOverlap: number;
  trackOverlap: number;
  thresholds: number | number[];
}

/** The config with the recipe's defaults filled in (eval.region_overlap, eval.track_overlap, eval.map_thresholds). */
function readConfig(value: Json | undefined): Config {
  const defaults = sectionDefaults.eval;
  return {
    smoothing: (value?.smoothing ?? 'none') as SmoothingSpec,
    normalize: value?.normalize_scores as boolean | undefined,
    regionOverlap: (value?.region_overlap as number | undefined) ?? defaults.region_overlap,
    trackOverlap: (value?.track_overlap as number | undefined) ?? defaults.track_overlap,
    thresholds: (value?.map_thresholds as number | number[] | undefined) ?? defaults.map_thresholds,
  };
}

/** GT regions of a video: given, from masks (tracks by overlap), or none. */
function truthOf(video: Video): GroundTruthRegion[] {
  if (video.groundTruth) return video.groundTruth;
  if (!video.masks) return [];
  const [frames, height, width] = video.masks.shape as [number, number, number];
  const perFrame = Array.from({ length: frames }, (_, t) => video.masks!.data.subarray(t * height * width, (t + 1) * height * width));
  const regions: GroundTruthRegion[] = [];
  tracksFromMasks(perFrame, height, width).frames.forEach((list, frame) => list.forEach((region) => regions.push({ frame, trackId: region.trackId, box: region.box })));
  return regions;
}

function localization(videos: Video[], config: Config): LocalizationResult | null {
  if (!videos.some((video) => video.groundTruth || video.masks)) return null;
  const options = { regionOverlap: config.regionOverlap, trackOverlap: config.trackOverlap };
  const withRegions = videos.filter((video) => video.predictions).length;
  const withMaps = videos.filter((video) => video.maps).length;
  if (withRegions === 0 && withMaps === 0) return null;
  const source = withRegions > 0 ? 'pred_regions' : 'anomaly_maps';
  const missing = videos.find((video) => (source === 'pred_regions' ? !video.predictions : !video.maps));
  if (missing) fail(missing.name, source, `missing: give ${source} for every video or for none`);
  if (source === 'pred_regions') {
    return regionBasedDetection(
      videos.map((video) => ({ name: video.name, frameCount: video.labels.length, groundTruth: truthOf(video), predictions: video.predictions! })),
      options,
    );
  }
  return mapBasedDetection(
    videos.map((video) => {
      const [frameCount, height, width] = video.maps!.shape as [number, number, number];
      return { name: video.name, frameCount, height, width, maps: video.maps!.data, groundTruth: truthOf(video) };
    }),
    { ...options, thresholds: config.thresholds },
  );
}

/** The maps' "HxW" when every video has maps of one size, else null (for the descriptions). */
function mapResolution(videos: Video[]): string | null {
  const sizes = new Set(videos.map((video) => (video.maps ? `${video.maps.shape[1]}x${video.maps.shape[2]}` : null)));
  const [only] = sizes;
  return sizes.size === 1 && only !== null && only !== undefined ? only : null;
}

/** Runs every metric the input allows, into the metrics result a run writes; MetricsError passes through. */
function evaluate(videos: Video[], config: Config): MetricsResult {
  const preset = resolveSmoothing(config.smoothing);
  const normalize = config.normalize ?? preset.normalize;
  const frames = videos.every((video) => video.scores)
    ? frameAuc({ videos: videos.map((video) => ({ name: video.name, labels: video.labels, scores: video.scores! })), smoothing: preset.smoothing, normalize })
    : null;
  const located = localization(videos, config);
  const pixel = videos.every((video) => video.maps && video.masks)
    ? pixelAuc(videos.map((video) => ({ scores: video.maps!.data, mask: video.masks!.data, video: video.name })))
    : null;
  const result = emptyMetricsResult({ smoothing: preset.smoothing, normalize, regionOverlap: config.regionOverlap, trackOverlap: config.trackOverlap, resolution: mapResolution(videos) });
  result.micro_auc = frames?.micro ?? null;
  result.macro_auc = frames?.macroPadded ?? null;
  result.macro_auc_clean = frames?.macroClean ?? null;
  result.rbdc = located?.rbdc ?? null;
  result.tbdc = located?.tbdc ?? null;
  result.pixel_auc = pixel;
  result.per_video = frames?.perVideo.map((video) => ({ name: video.name, frames: video.processedScores.length, auc_padded: video.aucPadded, auc_clean: video.aucClean })) ?? [];
  const micro = frames ? rocCurve(videos.flatMap((video) => video.labels), frames.perVideo.flatMap((video) => Array.from(video.processedScores))) : null;
  result.curves = { roc: micro && rocJson(micro), localization: located && localizationJson(located) };
  result.skipped_videos = frames?.skippedVideos ?? [];
  result.config = { smoothing: preset.smoothing, normalize_scores: normalize, region_overlap: config.regionOverlap, track_overlap: config.trackOverlap, map_thresholds: config.thresholds };
  result.counts = located && { frames: located.frameCount, gt_regions: located.regionCount, gt_tracks: located.trackCount };
  return result;
}

/** Where the input is and which other folders its .npy paths may point into. */
export interface MetricsInputOptions {
  /** How errors name the input (as the user typed it); default the path. */
  shown?: string;
  /** Folders besides the input's own that referenced files may lie in (relative to `cwd`). */
  allowPaths?: readonly string[];
  cwd: string;
}

/** Reads the input at `path` (relative to `options.cwd`) and the files it names, and computes every metric it allows. */
export async function evaluateMetricsInput(path: string, options: MetricsInputOptions): Promise<MetricsResult> {
  const shown = options.shown ?? path;
  try {
    return await evaluateDocument(resolve(options.cwd, path), shown, options);
  } catch (error) {
    // Every problem names the input file first (the field and video follow), whichever file it came from.
    if (error instanceof UsageError && !error.message.startsWith(`${shown}:`)) throw new UsageError(`${shown}: ${error.message}`);
    throw error;
  }
}

async function evaluateDocument(path: string, shown: string, options: MetricsInputOptions): Promise<MetricsResult> {
  let document: unknown;
  const bytes = await readBoundedFile(path, shown, MAX_INPUT_JSON_BYTES, null);
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UsageError(`${shown}: ${(error as Error).message}`);
  }
  const scope: FileScope = { base: dirname(path), folders: await allowedFolders(dirname(path), options.allowPaths ?? [], options.cwd) };
  const diagnostics = checkMetricsInput(document, shown);
  if (diagnostics.length > 0) throw new UsageError(diagnostics.map(formatMetricsInputDiagnostic).join('\n'));
  const input = document as { config?: Json; videos: Json[] };
  const config = readConfig(input.config);
  const videos: Video[] = [];
  for (const value of input.videos) videos.push(await readVideo(value, scope));
  videos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  videos.forEach((video, index) => {
    if (index > 0 && videos[index - 1]!.name === video.name) fail(video.name, 'name', 'appears twice');
  });
  try {
    return evaluate(videos, config);
  } catch (error) {
    if (!(error instanceof MetricsError)) throw error;
    const { video, field } = error.details;
    throw new UsageError(`${video === undefined ? '' : `video "${video}": `}${field === undefined ? '' : `${field}: `}${error.message}`);
  }
}
