// `vadc data inspect`: what a dataset's readers find on disk, per split: videos, frames, resolutions, anomalous
// frames, GT regions and tracks, and every problem, each naming its file. Readers report broken videos instead of
// stopping at the first (ReaderOptions.onProblem), so one run lists everything that needs fixing.
import type { MetricName, Plan } from '@vadc/dsl';
import { truthProblem } from './check-truth.ts';
import type { VideoSource } from './types.ts';
import { DatasetError } from './readers/dataset-error.ts';
import type { DatasetReader, SplitName } from './readers/reader.ts';
import { datasetReaders } from './datasets.ts';

/** One problem found, with the file or folder it concerns. */
export interface DatasetProblem {
  code: string;
  path: string;
  message: string;
}

/** What one split holds. Counts over GT are null when the split has no labelled videos. */
export interface SplitReport {
  split: SplitName;
  videos: number;
  frames: number;
  /** Distinct native sizes with how many videos have each. */
  resolutions: Array<{ height: number; width: number; videos: number }>;
  /** Videos with ground truth (labels). */
  labelledVideos: number;
  anomalousFrames: number | null;
  /** Frames that have a pixel mask. */
  maskedFrames: number | null;
  /** GT regions (one box of one track in one frame) and distinct tracks, summed over videos. */
  regions: number | null;
  tracks: number | null;
  /** Whether every frame was decoded (otherwise only headers were checked). */
  decoded: boolean;
  problems: DatasetProblem[];
  /** Per-video details. */
  details: Array<{ name: string; frames: number; resolution: [number, number]; anomalousFrames: number | null; regions: number | null; tracks: number | null }>;
}

/** The whole inspection. `ok` is false when any problem was found. */
export interface DatasetReport {
  dataset: string;
  root: string | null;
  splits: SplitReport[];
  ok: boolean;
}

/** Options of inspectDataset. */
export interface InspectOptions {
  /** Decode every frame (finds corrupt image data and broken videos; slow on big datasets). */
  decode?: boolean;
  /** Readers to use (default: the registry), e.g. for tests. */
  readers?: ReadonlyMap<string, DatasetReader>;
  /** Folder split-list files are resolved against. */
  baseDir?: string;
  /** Called as each video is done, for progress output. */
  onVideo?: (split: SplitName, name: string) => void;
}

function problemOf(error: unknown): DatasetProblem {
  if (error instanceof DatasetError) return { code: error.code, path: error.path, message: error.message };
  return { code: 'ERROR', path: '', message: error instanceof Error ? error.message : String(error) };
}

async function inspectVideo(video: VideoSource, report: SplitReport, decode: boolean, metrics: readonly MetricName[] | null): Promise<void> {
  const detail: SplitReport['details'][number] = { name: video.name, frames: video.frameCount, resolution: video.resolution, anomalousFrames: null, regions: null, tracks: null };
  report.details.push(detail);
  report.frames += video.frameCount;
  const [height, width] = video.resolution;
  const size = report.resolutions.find((entry) => entry.height === height && entry.width === width);
  if (size) size.videos += 1;
  else report.resolutions.push({ height, width, videos: 1 });
  try {
    const truth = video.truth;
    // Test videos must serve every metric the recipe asks for (a missing `_gt` folder is a problem, not a null).
    const problem = metrics === null ? null : truthProblem({ name: video.name, truth }, metrics);
    if (problem !== null) report.problems.push(problemOf(problem));
    if (truth !== null) {
      report.labelledVideos += 1;
      detail.anomalousFrames = truth.labels.reduce((sum, label) => sum + label, 0);
      report.anomalousFrames = (report.anomalousFrames ?? 0) + detail.anomalousFrames;
      if (truth.masks !== null) report.maskedFrames = (report.maskedFrames ?? 0) + truth.masks.size;
      if (truth.regions !== null) {
        const tracks = new Set<number>();
        let regions = 0;
        for (const list of truth.regions.values()) {
          regions += list.length;
          for (const region of list) tracks.add(region.trackId);
        }
        detail.regions = regions;
        detail.tracks = tracks.size;
        report.regions = (report.regions ?? 0) + regions;
        report.tracks = (report.tracks ?? 0) + tracks.size;
      }
    }
  } catch (error) {
    report.problems.push(problemOf(error));
  }
  if (!decode) return;
  try {
    for (let frame = 0; frame < video.frameCount; frame++) await video.readFrame(frame);
  } catch (error) {
    report.problems.push(problemOf(error));
  }
}

/** Opens each split of the plan's dataset and reports what it holds and what is wrong with it. */
export async function inspectDataset(plan: Plan, options: InspectOptions = {}): Promise<DatasetReport> {
  const readers = options.readers ?? datasetReaders;
  const reader = readers.get(plan.data.dataset);
  const splits: SplitReport[] = [];
  for (const split of ['train', 'validation', 'test'] as SplitName[]) {
    const report: SplitReport = {
      split, videos: 0, frames: 0, resolutions: [], labelledVideos: 0, anomalousFrames: null, maskedFrames: null,
      regions: null, tracks: null, decoded: options.decode ?? false, problems: [], details: [],
    };
    if (reader === undefined) {
      report.problems.push({ code: 'UNKNOWN_DATASET', path: '', message: `no reader for dataset "${plan.data.dataset}"` });
      splits.push(report);
      break;
    }
    try {
      const source = await reader(plan, { splits: [split], baseDir: options.baseDir, onProblem: (problem) => report.problems.push(problemOf(problem)) });
      for (const video of source[split]) {
        report.videos += 1;
        await inspectVideo(video, report, options.decode ?? false, split === 'test' ? plan.eval.metrics : null);
        options.onVideo?.(split, video.name);
      }
    } catch (error) {
      report.problems.push(problemOf(error));
    }
    // An absent optional validation split is not worth a section.
    if (split !== 'validation' || report.videos > 0 || report.problems.length > 0) splits.push(report);
  }
  return { dataset: plan.data.dataset, root: plan.data.root, splits, ok: splits.every((split) => split.problems.length === 0) };
}

/** The report as human-readable text, one block per split. */
export function formatDatasetReport(report: DatasetReport): string {
  const lines = [`dataset ${report.dataset}${report.root ? ` at ${report.root}` : ''}`];
  for (const split of report.splits) {
    const sizes = split.resolutions.map((size) => `${size.width}x${size.height}${split.resolutions.length > 1 ? ` (${size.videos} videos)` : ''}`).join(', ') || '-';
    lines.push(`${split.split}: ${split.videos} videos, ${split.frames} frames, ${sizes}`);
    if (split.labelledVideos > 0) {
      const share = split.frames > 0 && split.anomalousFrames !== null ? ` (${((100 * split.anomalousFrames) / split.frames).toFixed(1)}%)` : '';
      lines.push(`  anomalous frames: ${split.anomalousFrames ?? 0}${share} in ${split.labelledVideos} labelled videos`);
      lines.push(`  pixel masks: ${split.maskedFrames === null ? 'none' : `${split.maskedFrames} frames`}; GT regions: ${split.regions ?? '-'} in ${split.tracks ?? '-'} tracks`);
    }
    lines.push(`  frames ${split.decoded ? 'decoded: all' : 'checked: headers only (--decode reads every frame)'}`);
    for (const problem of split.problems) lines.push(`  problem [${problem.code}] ${problem.message}`);
  }
  lines.push(report.ok ? 'no problems found' : `${report.splits.reduce((sum, split) => sum + split.problems.length, 0)} problem(s) found`);
  return `${lines.join('\n')}\n`;
}
