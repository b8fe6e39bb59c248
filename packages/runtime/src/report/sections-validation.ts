// The report's validation curve: the held-out split's metrics (synthetic anomalies pasted into training videos
// the model never saw) after each validated epoch, with the epoch the run kept marked.
import { escapeHtml, formatMetric } from './format.ts';
import { cell, cycleColor, legend, missing, table } from './html.ts';
import { linePlot, type PlotSeries } from './svg-plot.ts';
import type { ReportValidation } from './types.ts';

const NAMES = ['micro_auc', 'macro_auc', 'pixel_auc'] as const;

/** The validation section: one curve per metric against the running epoch number, and the table of points. */
export function validationSection(validation: ReportValidation | undefined): string {
  if (validation === undefined || validation.points.length === 0) return missing('the recipe has no `validation:` section');
  const x = validation.points.map((point) => point.epoch);
  const series: PlotSeries[] = NAMES.map((name, index) => ({
    label: name, x, y: validation.points.map((point) => point[name] ?? NaN), color: cycleColor(index), strokeWidth: name === validation.metric ? 2.2 : 1.2, markers: true,
  }));
  const selected = validation.points.find((point) => point.selected);
  const plot = linePlot({
    id: 'validation-curve', title: 'Validation metrics per epoch', xLabel: 'epoch (all stages)', yLabel: 'AUC', series, width: 560, height: 260,
    ...(selected ? { rules: [selected.epoch] } : {}),
  });
  const rows = validation.points.map((point) => [
    cell(point.label), ...NAMES.map((name) => cell(formatMetric(point[name]), { validation: name, epoch: String(point.epoch) }, 'number')), cell(point.selected ? 'kept' : ''),
  ]);
  const note = `<p>${escapeHtml(`${validation.note} Selection: ${validation.selection} by ${validation.metric}${selected ? ` (kept: ${selected.label})` : ''}.`)}</p>`;
  return `${note}<figure>${legend(series)}${plot}</figure>${table(['epoch', ...NAMES, ''], rows, 'compact')}`;
}
