// What a sweep shows: report.html with the metric against each swept value (the paper's alpha / beta / gamma plot)
// and the metrics of the best combination, and the table `vadc sweep` prints.
import type { Plan } from '@vadc/dsl';
import { escapeHtml, formatMetric } from '../report/format.ts';
import { cell, table } from '../report/html.ts';
import { renderReport } from '../report/render-report.ts';
import { REPORT_METRIC_NAMES, type ReportMetrics, type ReportSweep } from '../report/types.ts';
import type { RunFolder } from './run-folder.ts';
import type { SweepEntry, SweepSummary } from './sweep-run.ts';

const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The combination with the highest value of the sweep's metric (the first one when none has a value). */
export function bestEntry(summary: SweepSummary): SweepEntry | undefined {
  let best: SweepEntry | undefined;
  for (const entry of summary.runs) {
    const value = entry.metrics[summary.metric];
    const bestValue = best?.metrics[summary.metric] ?? null;
    if (best === undefined || (value !== null && (bestValue === null || value > bestValue))) best = entry;
  }
  return best;
}

/**
 * One series per swept key: for each of its values, the best metric over the combinations with that value (with a
 * single swept key, that combination's metric; with a grid, the best the other keys reach at that value).
 */
export function sweepSeries(summary: SweepSummary): ReportSweep[] {
  const keys = Object.keys(summary.runs[0]?.values ?? {});
  return keys.map((key) => {
    const values: unknown[] = [];
    for (const entry of summary.runs) if (!values.some((value) => valueText(value) === valueText(entry.values[key]))) values.push(entry.values[key]);
    const points = values.map((value) => {
      const measured = summary.runs
        .filter((entry) => valueText(entry.values[key]) === valueText(value))
        .map((entry) => entry.metrics[summary.metric])
        .filter((metric): metric is number => metric !== null);
      return { value: typeof value === 'number' ? value : valueText(value), metric: measured.length > 0 ? Math.max(...measured) : null };
    });
    return { key, metric: summary.metric, points };
  });
}

/** report.html of a sweep; the run facts are those of its first training. */
export function sweepReport(summary: SweepSummary, plan: Plan, firstRun: RunFolder): string {
  const best = bestEntry(summary);
  const bestText = best ? `best combination of the sweep (${Object.entries(best.values).map(([key, value]) => `${key}=${valueText(value)}`).join(', ')}): ` : '';
  const metrics = Object.fromEntries(
    REPORT_METRIC_NAMES.map((name) => [name, { value: best?.metrics[name] ?? null, variant: `${bestText}${summary.variants[name] ?? ''}` }]),
  ) as unknown as ReportMetrics;
  const { record } = firstRun;
  const html = renderReport({
    run: {
      recipeName: summary.name, runId: `sweep-${summary.id}`, planHash: best?.hash ?? record.hash, backend: record.backend ?? 'unknown',
      seed: plan.runtime.seed, vadcVersion: record.machine.vadc, date: record.created,
      machine: { cpuModel: record.machine.cpu, cores: record.machine.cores, memoryGiB: record.machine.memoryGiB, platform: record.machine.platform },
      timings: Object.entries(record.timings).map(([step, seconds]) => ({ step: `t0 ${step}`, seconds })),
      dataset: plan.data.dataset, versions: { node: record.machine.node, ...record.machine.dependencies },
    },
    metrics,
    sweep: sweepSeries(summary),
  });
  // The renderer has no section for a table of runs: the combinations go in before the speed section.
  const at = html.indexOf('<section id="speed">');
  return at < 0 ? html : `${html.slice(0, at)}${combinationsSection(summary)}${html.slice(at)}`;
}

/** Every combination with its swept values, model and metrics (cells carry data-combination / data-sweep-metric hooks). */
function combinationsSection(summary: SweepSummary): string {
  const keys = Object.keys(summary.runs[0]?.values ?? {});
  const metrics = REPORT_METRIC_NAMES.filter((name) => summary.runs.some((entry) => entry.metrics[name] !== null));
  const rows = summary.runs.map((entry) => [
    cell(String(entry.index)), ...keys.map((key) => cell(valueText(entry.values[key]))), cell(`t${entry.training} (${entry.run})`),
    ...metrics.map((name) => cell(formatMetric(entry.metrics[name]), { combination: String(entry.index), 'sweep-metric': name }, 'number')),
  ]);
  const note = `<p>${escapeHtml(`${summary.runs.length} combinations, ${summary.trainings.length} trained model(s); combinations of one model differ only in scoring-only keys and were evaluated from its stored components. With several swept keys, each plot above shows, per value, the best ${summary.metric} over the other keys.`)}</p>`;
  return `<section id="combinations"><h2>Sweep combinations</h2>${note}${table(['#', ...keys, 'model', ...metrics], rows)}</section>`;
}

/** The table `vadc sweep` prints: a row per combination with its swept values, training and metrics. */
export function sweepTable(summary: SweepSummary): string {
  const keys = Object.keys(summary.runs[0]?.values ?? {});
  const metrics = REPORT_METRIC_NAMES.filter((name) => summary.runs.some((entry) => entry.metrics[name] !== null));
  const header = ['#', ...keys, 'model', ...metrics];
  const rows = summary.runs.map((entry) => [String(entry.index), ...keys.map((key) => valueText(entry.values[key])), `t${entry.training}`, ...metrics.map((name) => formatMetric(entry.metrics[name]))]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
