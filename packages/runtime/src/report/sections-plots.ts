// The report's plots: per-video scores over time, ROC curves, RBDC / TBDC curves, sweeps and training curves.
import { escapeHtml, formatMetric } from './format.ts';
import { abnormalIntervals, cell, COLORS, cycleColor, legend, missing, table } from './html.ts';
import { METRIC_TITLES } from './sections-summary.ts';
import { extent, linePlot, type PlotSeries } from './svg-plot.ts';
import type { ReportFrame, ReportDetectionCurve, ReportDetectionCurves, ReportMetrics, ReportRocCurves, ReportSweep, ReportTrainingCurve, ReportVideo } from './types.ts';

const indices = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Min-max rescales `values` onto [low, high], so components of any scale can be drawn against the final score. */
export function rescale(values: ArrayLike<number>, [low, high]: [number, number]): number[] {
  const range = extent([values]);
  if (!range) return Array.from(values, () => NaN);
  const span = range[1] - range[0];
  return Array.from(values, (value) => (span > 0 ? low + ((value - range[0]) / span) * (high - low) : (low + high) / 2));
}

function videoPlot(video: ReportVideo, chosenFrames: number[]): string {
  const count = video.scores.length;
  const frames = indices(count);
  const scoreRange = extent([video.scores]) ?? [0, 1];
  const series: PlotSeries[] = [];
  const components = video.components;
  if (components) {
    const drawn: Array<[string, ArrayLike<number> | undefined, string]> = [
      ['teacher', components.teacher, COLORS.teacher],
      ['discrepancy', components.discrepancy, COLORS.discrepancy],
      ['anomaly map', components.anomalyMap, COLORS.anomalyMap],
      ['classifier', components.classifier, COLORS.classifier],
    ];
    for (const [label, values, color] of drawn) {
      if (values && values.length > 0) series.push({ label, x: frames, y: rescale(values, scoreRange), color, strokeWidth: 1, dashed: true });
    }
  }
  series.push({ label: 'score', x: frames, y: video.scores, color: COLORS.score, strokeWidth: 2 });
  const bands = abnormalIntervals(video.labels ?? []).map(([first, last]) => ({ from: first - 0.5, to: last + 0.5 }));
  const plot = linePlot({
    id: `score-${video.name}`,
    title: `Anomaly score of ${video.name}`,
    xLabel: 'frame',
    yLabel: 'score',
    series,
    bands,
    rules: chosenFrames,
    xDomain: [0, Math.max(1, count - 1)],
    // Drawn about this wide in the two-column grid, so ticks stay legible.
    width: 460,
    height: 190,
  });
  const auc = video.auc !== undefined ? ` <span class="aside">AUC <span data-video-auc="${escapeHtml(video.name)}">${formatMetric(video.auc)}</span></span>` : '';
  return `<figure class="video"><figcaption><strong>${escapeHtml(video.name)}</strong> <span class="aside">${count} frames</span>${auc}</figcaption>${plot}</figure>`;
}

/** Per test video, the final score over time with ground-truth abnormal intervals shaded (small multiples). */
export function videosSection(videos: ReportVideo[] | undefined, frames: ReportFrame[] | undefined): string {
  const usable = (videos ?? []).filter((video) => video.scores.length > 0);
  if (usable.length === 0) return missing('no per-video scores were given');
  const hasComponents = usable.some((video) => video.components);
  const items = [
    { label: 'final score', color: COLORS.score },
    ...(hasComponents
      ? [
          { label: 'teacher', color: COLORS.teacher, dashed: true },
          { label: 'discrepancy', color: COLORS.discrepancy, dashed: true },
          { label: 'anomaly map', color: COLORS.anomalyMap, dashed: true },
        ]
      : []),
    ...(usable.some((video) => video.components?.classifier) ? [{ label: 'classifier', color: COLORS.classifier, dashed: true }] : []),
    { label: 'ground-truth abnormal', color: '', band: true },
  ];
  const note = hasComponents ? '<p class="note">Components are min-max rescaled to each video\'s score range to compare their shapes. Dashed vertical lines mark the frames shown below.</p>' : '';
  const plots = usable.map((video) => videoPlot(video, (frames ?? []).filter((frame) => frame.video === video.name).map((frame) => frame.frame)));
  return `${legend(items)}${note}<div class="grid">${plots.join('')}</div>`;
}

/** ROC curves: all frames together (micro) in colour, each video in grey. */
export function rocSection(roc: ReportRocCurves | undefined, metrics: ReportMetrics): string {
  const perVideo = roc?.perVideo ?? [];
  if (!roc || (!roc.micro && perVideo.length === 0)) return missing('no ROC curves were given');
  const series: PlotSeries[] = perVideo.map(({ video, curve }) => ({ label: video, x: curve.fpr, y: curve.tpr, color: COLORS.other, strokeWidth: 1 }));
  if (roc.micro) series.push({ label: 'micro', x: roc.micro.fpr, y: roc.micro.tpr, color: COLORS.score, strokeWidth: 2.5 });
  const plot = linePlot({ id: 'roc', title: 'ROC curves', xLabel: 'false positive rate', yLabel: 'true positive rate', series, xDomain: [0, 1], yDomain: [0, 1], diagonal: true, width: 420, height: 380 });
  const items = [
    ...(roc.micro ? [{ label: `all frames (micro AUC ${formatMetric(metrics.micro_auc.value)})`, color: COLORS.score }] : []),
    ...(perVideo.length > 0 ? [{ label: `each video (${perVideo.length})`, color: COLORS.other }] : []),
  ];
  return `${legend(items)}<div class="narrow">${plot}</div>`;
}

/** The part of a curve with x <= limit, ending exactly at the limit (x non-decreasing), as RBDC / TBDC integrate. */
export function clipToX(xs: ArrayLike<number>, ys: ArrayLike<number>, limit: number): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const xi = xs[i]!;
    const yi = ys[i]!;
    if (xi <= limit) {
      x.push(xi);
      y.push(yi);
      continue;
    }
    const previous = x.length - 1;
    if (previous >= 0 && x[previous]! < limit) {
      const t = (limit - x[previous]!) / (xi - x[previous]!);
      x.push(limit);
      y.push(y[previous]! + t * (yi - y[previous]!));
    }
    break;
  }
  return { x, y };
}

function detectionPlot(name: 'rbdc' | 'tbdc', curve: ReportDetectionCurve | undefined, metrics: ReportMetrics): string {
  const title = `${METRIC_TITLES[name]} ${formatMetric(metrics[name].value)}`;
  if (!curve || curve.falsePositivesPerFrame.length === 0) return `<figure><figcaption>${escapeHtml(METRIC_TITLES[name])}</figcaption>${missing('no curve')}</figure>`;
  const clipped = clipToX(curve.falsePositivesPerFrame, curve.detectionRate, 1);
  const rate = name === 'rbdc' ? 'region detection rate' : 'track detection rate';
  const plot = linePlot({
    id: name,
    title: `${title}: ${rate} against false positives per frame`,
    xLabel: 'false positives per frame',
    yLabel: rate,
    series: [{ label: name, x: clipped.x, y: clipped.y, color: COLORS.score, strokeWidth: 2 }],
    xDomain: [0, 1],
    yDomain: [0, 1],
    width: 420,
    height: 320,
  });
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${plot}</figure>`;
}

/** RBDC and TBDC curves over the [0, 1] false-positives-per-frame range their areas are taken over. */
export function detectionSection(curves: ReportDetectionCurves | undefined, metrics: ReportMetrics): string {
  if (!curves?.rbdc && !curves?.tbdc) return missing('no RBDC / TBDC curves were given (the dataset may have no region ground truth)');
  return `<div class="pair">${detectionPlot('rbdc', curves.rbdc, metrics)}${detectionPlot('tbdc', curves.tbdc, metrics)}</div>`;
}

/** For each swept key, the metric against each value tried, as a plot and a table. */
export function sweepSection(sweep: ReportSweep[] | undefined): string {
  if (!sweep || sweep.length === 0) return missing('this run was not part of a sweep');
  const figures = sweep.map((series) => {
    // A value whose run has no metric is left out, so the line joins its neighbours rather than stopping short.
    const measured = series.points.flatMap((point, index) => (point.metric === null || !Number.isFinite(point.metric) ? [] : [[index, point.metric] as const]));
    const x = measured.map(([index]) => index);
    const y = measured.map(([, metric]) => metric);
    const plot = linePlot({
      id: `sweep-${series.key}`,
      title: `${METRIC_TITLES[series.metric]} against ${series.key}`,
      xLabel: series.key,
      yLabel: METRIC_TITLES[series.metric],
      series: [{ label: series.metric, x, y, color: COLORS.score, strokeWidth: 2, markers: true }],
      xDomain: [-0.5, Math.max(0.5, series.points.length - 0.5)],
      xTicks: series.points.map((point, index) => ({ value: index, label: String(point.value) })),
      width: 420,
      height: 260,
    });
    const rows = series.points.map((point) => [cell(String(point.value)), cell(formatMetric(point.metric), { sweep: series.key, value: String(point.value) }, 'number')]);
    return `<figure><figcaption>${escapeHtml(series.key)}</figcaption>${plot}${table([series.key, METRIC_TITLES[series.metric]], rows, 'compact')}</figure>`;
  });
  return `<div class="pair">${figures.join('')}</div>`;
}

/** Training curves: per stage, each logged quantity against the step. */
export function trainingSection(training: ReportTrainingCurve[] | undefined): string {
  const curves = (training ?? []).filter((curve) => curve.steps.length > 0);
  if (curves.length === 0) return missing('no training log was given');
  const stages = [...new Set(curves.map((curve) => curve.stage))];
  const figures = stages.map((stage) => {
    const series = curves
      .filter((curve) => curve.stage === stage)
      .map((curve, index): PlotSeries => ({ label: curve.name, x: curve.steps, y: curve.values, color: cycleColor(index), strokeWidth: index === 0 ? 2 : 1.2 }));
    const plot = linePlot({ id: `training-${stage}`, title: `Training curves of stage ${stage}`, xLabel: 'step', yLabel: 'value', series, width: 460, height: 210 });
    return `<figure class="video"><figcaption><strong>${escapeHtml(stage)}</strong></figcaption>${legend(series)}${plot}</figure>`;
  });
  return `<div class="grid">${figures.join('')}</div>`;
}
