// The report's decision view: a per-video table (frames, anomalous share, padded and clean AUC, worst first) and the
// operating points (what a threshold does: frame TPR / FPR, false-alarm events per minute, missed abnormal
// intervals), the calibrated threshold first.
import { escapeHtml, formatMetric } from './format.ts';
import { cell, missing, table } from './html.ts';
import type { ReportDecisions, ReportVideoRow } from './types.ts';

const percent = (value: number | null) => (value === null ? 'n/a' : `${(100 * value).toFixed(1)}%`);

/** Test videos, worst first: by clean AUC (the padded one for a video with one class). */
export function perVideoSection(rows: ReportVideoRow[] | undefined): string {
  if (!rows || rows.length === 0) return missing('no per-video AUCs (no labelled test videos)');
  const key = (row: ReportVideoRow) => row.aucClean ?? row.aucPadded ?? Infinity;
  const sorted = [...rows].sort((a, b) => key(a) - key(b) || (a.name < b.name ? -1 : 1));
  const body = sorted.map((row) => [
    `<th scope="row">${escapeHtml(row.name)}</th>`,
    cell(String(row.frames), {}, 'number'),
    cell(percent(row.anomalousShare), {}, 'number'),
    cell(formatMetric(row.aucPadded), { 'video-auc': row.name }, 'number'),
    cell(row.aucClean === null ? 'n/a (one class)' : formatMetric(row.aucClean), { 'video-auc-clean': row.name }, 'number'),
  ]);
  return table(['Video', 'Frames', 'Anomalous', 'AUC (padded)', 'AUC (clean)'], body, 'per-video');
}

/** The operating-point table; says when the run has no calibrated threshold. */
export function operatingPointsSection(decisions: ReportDecisions | undefined): string {
  if (!decisions || decisions.points.length === 0) return missing('no labelled test frames');
  const note = decisions.calibration === null
    ? '<p class="note">The run has no calibrated threshold (vadc calibrate); the rows are quantiles of the test scores, for orientation only.</p>'
    : `<p class="note">Calibrated on normal footage without test labels: ${escapeHtml(decisions.calibration)}. The other rows are quantiles of the test scores.</p>`;
  const body = decisions.points.map((point) => [
    `<th scope="row">${escapeHtml(point.label)}</th>`,
    cell(point.threshold.toPrecision(5), { threshold: point.label }, 'number'),
    cell(percent(point.truePositiveRate), {}, 'number'),
    cell(percent(point.falsePositiveRate), {}, 'number'),
    cell(String(point.falseAlarms), {}, 'number'),
    cell(point.falseAlarmsPerMinute.toFixed(2), {}, 'number'),
    cell(`${point.missedIntervals} / ${point.intervals}`, {}, 'number'),
  ]);
  return note + table(['Threshold', 'Value', 'Frame TPR', 'Frame FPR', 'False alarms', `per minute (${decisions.fps} fps)`, 'Missed intervals'], body, 'operating-points');
}
