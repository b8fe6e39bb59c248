// `vadc metrics INPUT.json [--full] [--json]`: frame AUC (micro, macro), RBDC, TBDC and pixel AUC of any method's
// outputs, from one JSON document (format in packages/metrics/README.md). Prints one JSON object; a metric that
// cannot be computed from the input is null. Any input problem is one line naming the input file, the video and
// the field, exit 2. Referenced files are read only inside the input's folder and --allow-path (metrics-input.ts).
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
import { NpyError, parseNpy, type NpyArray } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { emptyMetricsResult, localizationJson, metricsJson, perMetric, rocJson, type MetricsResult } from '../metrics-result.ts';
import { allowedFolders, MAX_INPUT_JSON_BYTES, MAX_NPY_BYTES, readBoundedFile } from './metrics-input.ts';

const CONFIG_KEYS = ['smoothing', 'normalize_scores', 'region_overlap', 'track_overlap', 'map_thresholds'];
const VIDEO_KEYS = ['name', 'labels', 'scores', 'gt_regions', 'pred_regions', 'anomaly_maps', 'gt_masks'];

type Json = Record<string, unknown>;

/** Bounds of the config: each is far above real use, and keeps a crafted input from allocating gigabytes. */
const MAX_SMOOTHING_RANGE = 10_000;
const MAX_THRESHOLDS = 100_000;

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

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Json, allowed: string[], video: string | null, where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(video, `${where}${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

function numberList(value: unknown, video: string, field: string, length: number | null): number[] {
  if (!Array.isArray(value)) fail(video, field, 'must be a list of numbers');
  value.forEach((item, index) => {
    if (typeof item !== 'number' || !Number.isFinite(item)) fail(video, `${field}[${index}]`, `${JSON.stringify(item)} is not a finite number`);
  });
  if (length !== null && value.length !== length) fail(video, field, `has ${value.length} values but labels has ${length}`);
  return value as number[];
}

/** Sparse regions `{"frame": [region, ...]}` -> flat list, validated against the video length. */
function sparseRegions<T>(value: unknown, video: string, field: string, length: number, read: (region: Json, where: string) => T): T[] {
  if (!isObject(value)) fail(video, field, 'must be an object {"frame index": [regions]}');
  const regions: T[] = [];
  for (const [key, list] of Object.entries(value)) {
    const frame = Number(key);
    if (!/^\d+$/.test(key) || frame >= length) fail(video, `${field}["${key}"]`, `frame index must be an integer in 0..${length - 1}`);
    if (!Array.isArray(list)) fail(video, `${field}["${key}"]`, 'must be a list of regions');
    list.forEach((region, index) => {
      const where = `${field}["${key}"][${index}]`;
      if (!isObject(region)) fail(video, where, 'must be an object');
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

async function readVideo(value: unknown, index: number, scope: FileScope): Promise<Video> {
  if (!isObject(value)) fail(null, `videos[${index}]`, 'must be an object');
  if (typeof value.name !== 'string' || value.name === '') fail(null, `videos[${index}].name`, 'must be a non-empty string');
  const name = value.name;
  checkKeys(value, VIDEO_KEYS, name, '');
  if (!Array.isArray(value.labels) || value.labels.length === 0) fail(name, 'labels', 'must be a non-empty list of 0/1');
  value.labels.forEach((label, frame) => {
    if (label !== 0 && label !== 1) fail(name, `labels[${frame}]`, `${JSON.stringify(label)} is not 0 or 1`);
  });
  const labels = value.labels as number[];
  const length = labels.length;
  const groundTruth =
    value.gt_regions === undefined
      ? null
      : sparseRegions(value.gt_regions, name, 'gt_regions', length, (region, where) => {
          if (!Number.isInteger(region.track_id)) fail(name, `${where}.track_id`, 'must be an integer');
          checkKeys(region, ['track_id', 'box', 'frame'], name, `${where}.`);
          return { frame: region.frame as number, trackId: region.track_id as number, box: region.box as GroundTruthRegion['box'] };
        });
  const predictions =
    value.pred_regions === undefined
      ? null
      : sparseRegions(value.pred_regions, name, 'pred_regions', length, (region, where) => {
          if (typeof region.score !== 'number' || !Number.isFinite(region.score)) fail(name, `${where}.score`, 'must be a finite number');
          checkKeys(region, ['score', 'box', 'frame'], name, `${where}.`);
          return { frame: region.frame as number, score: region.score, box: region.box as ScoredRegion['box'] };
        });
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

function readConfig(value: unknown): Config {
  // Defaults are the recipe's (eval.region_overlap, eval.track_overlap, eval.map_thresholds): one method, one default.
  const defaults = sectionDefaults.eval;
  if (value === undefined) return { smoothing: 'none', normalize: undefined, regionOverlap: defaults.region_overlap, trackOverlap: defaults.track_overlap, thresholds: defaults.map_thresholds };
  if (!isObject(value)) fail(null, 'config', 'must be an object');
  checkKeys(value, CONFIG_KEYS, null, 'config.');
  const smoothing = value.smoothing ?? 'none';
  if (typeof smoothing !== 'string' && !(isObject(smoothing) && Object.keys(smoothing).sort().join() === 'range,sigma')) {
    fail(null, 'config.smoothing', 'must be a preset name ("aed-mae-avenue", "aed-mae-shanghaitech", "none") or {"range", "sigma"}');
  }
  // The filter has `range` taps over every frame: a range of 1e9 would allocate gigabytes before failing.
  if (isObject(smoothing) && !(Number.isInteger(smoothing.range) && (smoothing.range as number) >= 2 && (smoothing.range as number) <= MAX_SMOOTHING_RANGE)) {
    fail(null, 'config.smoothing.range', `must be an integer in 2..${MAX_SMOOTHING_RANGE}`);
  }
  if (isObject(smoothing) && !(typeof smoothing.sigma === 'number' && smoothing.sigma > 0 && smoothing.sigma <= MAX_SMOOTHING_RANGE)) {
    fail(null, 'config.smoothing.sigma', `must be a number in (0, ${MAX_SMOOTHING_RANGE}]`);
  }
  if (value.normalize_scores !== undefined && typeof value.normalize_scores !== 'boolean') fail(null, 'config.normalize_scores', 'must be true or false');
  const overlap = (key: 'region_overlap' | 'track_overlap') => {
    const number = value[key] ?? defaults[key];
    if (typeof number !== 'number' || !(number > 0 && number <= 1)) fail(null, `config.${key}`, 'must be a number in (0, 1]');
    return number;
  };
  const thresholds = value.map_thresholds ?? defaults.map_thresholds;
  const count = typeof thresholds === 'number' ? thresholds : Array.isArray(thresholds) ? thresholds.length : NaN;
  if (!((Number.isInteger(thresholds) || (Array.isArray(thresholds) && thresholds.every((item) => typeof item === 'number' && Number.isFinite(item)))) && count >= 1 && count <= MAX_THRESHOLDS)) {
    fail(null, 'config.map_thresholds', `must be a count or a list of finite numbers (1..${MAX_THRESHOLDS} thresholds)`);
  }
  return {
    smoothing: smoothing as SmoothingSpec,
    normalize: value.normalize_scores as boolean | undefined,
    regionOverlap: overlap('region_overlap'),
    trackOverlap: overlap('track_overlap'),
    thresholds: thresholds as number | number[],
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

/** Reads the input (and the files it names) and prints its metrics. */
async function metricsOf(path: string, shown: string, args: Parameters<Command['run']>[0], io: Parameters<Command['run']>[1]): Promise<number> {
  let document: unknown;
  const bytes = await readBoundedFile(path, shown, MAX_INPUT_JSON_BYTES, null);
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UsageError(`${shown}: ${(error as Error).message}`);
  }
  const allowPaths = (args.values['allow-path'] ?? []) as string[];
  const scope: FileScope = { base: dirname(path), folders: await allowedFolders(dirname(path), allowPaths, io.cwd) };
  if (!isObject(document)) fail(null, 'input', 'must be a JSON object {"config", "videos"}');
  checkKeys(document, ['config', 'videos'], null, '');
  const config = readConfig(document.config);
  if (!Array.isArray(document.videos) || document.videos.length === 0) fail(null, 'videos', 'must be a non-empty list');
  const videos: Video[] = [];
  for (const [index, value] of document.videos.entries()) videos.push(await readVideo(value, index, scope));
  videos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  videos.forEach((video, index) => {
    if (index > 0 && videos[index - 1]!.name === video.name) fail(video.name, 'name', 'appears twice');
  });
  let result: MetricsResult;
  try {
    result = evaluate(videos, config);
  } catch (error) {
    if (!(error instanceof MetricsError)) throw error;
    const { video, field } = error.details;
    throw new UsageError(`${video === undefined ? '' : `video "${video}": `}${field === undefined ? '' : `${field}: `}${error.message}`);
  }
  // Without --full: the metric values alone (the top-level numbers of the same result).
  io.stdout(metricsJson(args.values.full ? result : perMetric((name) => result[name]), Boolean(args.values.json)));
  return EXIT_OK;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Frame AUC, RBDC, TBDC and pixel AUC of any method, from a JSON file',
  usage: 'vadc metrics INPUT.json [--full] [--json] [--allow-path DIR]...   (--full: clean variants, per-video AUCs, curves; --json: one line)',
  options: { full: { type: 'boolean' }, json: { type: 'boolean' }, 'allow-path': { type: 'string', multiple: true } },
  help: {
    description: 'Computes frame AUC (micro, macro), RBDC, TBDC and pixel AUC of any method\'s outputs from a JSON file (format: packages/metrics/README.md) and prints them as JSON on stdout. The .npy files it names are read only inside the JSON\'s folder or an --allow-path folder, only regular files of at most 2 GiB.',
    options: {
      full: 'add the clean variants, per-video AUCs and the curves',
      json: 'print one line of JSON instead of indented JSON',
      'allow-path': 'a folder besides the input\'s own that its .npy paths may point into (repeatable)',
    },
    examples: ['vadc metrics outputs.json', 'vadc metrics outputs.json --full --json > metrics.json', 'vadc metrics outputs.json --allow-path /data/maps'],
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('give exactly one input JSON file');
    const shown = args.positionals[0]!;
    try {
      return await metricsOf(resolve(io.cwd, shown), shown, args, io);
    } catch (error) {
      // Every problem names the input file first (the field and video follow), whichever file it came from.
      if (error instanceof UsageError && !error.message.startsWith(`${shown}:`)) throw new UsageError(`${shown}: ${error.message}`);
      throw error;
    }
  },
};
