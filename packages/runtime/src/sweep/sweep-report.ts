// What a sweep shows: report.html with the metric against each swept value (the paper's alpha / beta / gamma plot)
// and the test metrics of the combination validation ranks first, and the table `vadc sweep` prints. Nothing here
// chooses by a test metric: "best" is rank 1 of the validation ranking (sweep-ranking.ts), or none without one.
import type { Plan } from '@vadc/dsl';
import { escapeHtml, formatMetric } from '../report/format.ts';
import { cell, table } from '../report/html.ts';
import { metricValue, perMetric } from '../score/metrics-result.ts';
import { renderReport } from '../report/render-report.ts';
import { REPORT_METRIC_NAMES, type ReportMetrics, type ReportSweep } from '../report/types.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import type { SweepEntry, SweepSummary } from './sweep-types.ts';

const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The combination the validation ranking puts first; undefined when nothing is ranked (no validation section). */
export function bestEntry(summary: SweepSummary): SweepEntry | undefined {
  return summary.runs.find((entry) => entry.rank === 1);
}

/** The combinations in ranking order: ranked ones by rank, then the unranked ones by index. */
export function rankedEntries(summary: SweepSummary): SweepEntry[] {
  return [...summary.runs].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.index - b.index);
}

/**
 * One series per swept key: for each of its values, the test metric of the combination with that value that
 * validation ranks highest (with a single swept key, that combination's metric); without a ranking, the mean over
 * the combinations with that value. Never the best test value, which would choose by test labels.
 */
export function sweepSeries(summary: SweepSummary): ReportSweep[] {
  const keys = Object.keys(summary.runs[0]?.values ?? {});
  return keys.map((key) => {
    const values: unknown[] = [];
    for (const entry of summary.runs) if (!values.some((value) => valueText(value) === valueText(entry.values[key]))) values.push(entry.values[key]);
    const points = values.map((value) => {
      const matching = rankedEntries(summary).filter((entry) => valueText(entry.values[key]) === valueText(value));
      const measured = matching.map((entry) => entry.metrics[summary.metric]).filter((metric): metric is number => metric !== null);
      const chosen = matching[0]?.rank != null ? matching[0].metrics[summary.metric] : measured.length > 0 ? measured.reduce((sum, metric) => sum + metric, 0) / measured.length : null;
      return { value: typeof value === 'number' ? value : valueText(value), metric: chosen };
    });
    return { key, metric: summary.metric, points };
  });
}

/** report.html of a sweep; the run facts are those of its first training. */
export function sweepReport(summary: SweepSummary, plan: Plan, firstRun: RunFolder): string {
  const best = bestEntry(summary);
  const bestText = best
    ? `test metric of the combination ranked first by ${summary.ranking.by} (${Object.entries(best.values).map(([key, value]) => `${key}=${valueText(value)}`).join(', ')}): `
    : `no combination is chosen (${summary.ranking.note}): `;
  const metrics: ReportMetrics = perMetric((name) => ({ value: metricValue(best?.metrics, name), variant: `${bestText}${summary.variants[name] ?? ''}` }));
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

/** Column titles and cells of a combination: rank, swept values, model, validation metric, test metrics. */
function columns(summary: SweepSummary): { header: string[]; row: (entry: SweepEntry) => Array<{ text: string; metric?: string }> } {
  const keys = Object.keys(summary.runs[0]?.values ?? {});
  const metrics = REPORT_METRIC_NAMES.filter((name) => summary.runs.some((entry) => entry.metrics[name] !== null));
  const validation = summary.ranking.by === null ? null : (summary.ranking.by.replace(/^validation\./, '') as keyof NonNullable<SweepEntry['validation']>);
  const header = ['rank', '#', ...keys, 'model', ...(validation ? [`validation ${validation}`] : []), ...metrics.map((name) => `test ${name}`)];
  const row = (entry: SweepEntry) => [
    { text: entry.rank === null ? '-' : `${entry.rank}${entry.tied ? ' (tie)' : ''}` }, { text: String(entry.index) }, ...keys.map((key) => ({ text: valueText(entry.values[key]) })), { text: `t${entry.training}` },
    ...(validation ? [{ text: formatMetric(entry.validation?.[validation] ?? null), metric: `validation.${validation}` }] : []),
    ...metrics.map((name) => ({ text: formatMetric(entry.metrics[name]), metric: name })),
  ];
  return { header, row };
}

/** Every combination in ranking order (cells carry data-combination / data-sweep-metric hooks). */
function combinationsSection(summary: SweepSummary): string {
  const { header, row } = columns(summary);
  const rows = rankedEntries(summary).map((entry) => row(entry).map((item) => (item.metric ? cell(item.text, { combination: String(entry.index), 'sweep-metric': item.metric }, 'number') : cell(item.text))));
  const note = `<p>${escapeHtml(`${summary.runs.length} combinations, ${summary.trainings.length} trained model(s); combinations of one model differ only in scoring-only keys and were evaluated from its stored components. Order: ${summary.ranking.note}.${summary.ranking.agreement ? ` How far to trust it: ${summary.ranking.agreement}.` : ''} With several swept keys, each plot above shows, per value, the test ${summary.metric} of the combination ranked highest at that value.`)}</p>`;
  return `<section id="combinations"><h2>Sweep combinations</h2>${note}${table(header, rows)}</section>`;
}

/** The table `vadc sweep` prints: a row per combination in ranking order, validation metric beside test metrics. */
export function sweepTable(summary: SweepSummary): string {
  const { header, row } = columns(summary);
  const rows = rankedEntries(summary).map((entry) => row(entry).map((item) => item.text));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => cells.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n${summary.ranking.note}\n${summary.ranking.agreement ? `${summary.ranking.agreement}\n` : ''}`;
}
