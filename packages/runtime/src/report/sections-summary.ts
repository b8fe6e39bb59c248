// The report's tables: metrics (with the variant each number is), the run's facts and timings, and speed.
import { escapeHtml, formatMetric, formatRate, formatSeconds } from './format.ts';
import { cell, missing, table } from './html.ts';
import { REPORT_METRIC_NAMES, type ReportMetricName, type ReportMetrics, type ReportRun, type ReportSpeed } from './types.ts';

/** Display names of the metric keys. */
export const METRIC_TITLES: Record<ReportMetricName, string> = {
  micro_auc: 'Micro frame AUC',
  macro_auc: 'Macro frame AUC',
  macro_auc_clean: 'Macro frame AUC (clean)',
  rbdc: 'RBDC',
  tbdc: 'TBDC',
  pixel_auc: 'Pixel AUC',
};

/** The metrics table: one row per metric present, `data-metric="<key>"` on the value cell. */
export function metricsSection(metrics: ReportMetrics): string {
  const rows = REPORT_METRIC_NAMES.flatMap((name) => {
    const entry = metrics[name];
    if (!entry) return [];
    return [[
      `<th scope="row">${escapeHtml(METRIC_TITLES[name])}</th>`,
      cell(formatMetric(entry.value), { metric: name }, 'number'),
      cell(entry.variant, {}, 'variant'),
    ]];
  });
  return table(['Metric', 'Value', 'Variant'], rows, 'metrics');
}

function backendText(backend: string, threads: number | null | undefined): string {
  return threads ? `${backend} (${threads} threads)` : backend;
}

/** The run's facts (what makes it reproducible) and the wall time of each step. */
export function runSection(run: ReportRun): string {
  const machine = run.machine;
  const memory = machine.memoryGiB !== undefined ? `, ${machine.memoryGiB.toFixed(0)} GiB` : '';
  const facts: Array<[string, string, string]> = [
    ['Recipe', run.recipeName, 'recipe'],
    ['Run id', run.runId, 'run-id'],
    ['Plan hash', run.planHash, 'plan-hash'],
    ...(run.dataset ? [['Dataset', run.dataset, 'dataset'] as [string, string, string]] : []),
    ...(run.datasetFingerprint ? [['Dataset fingerprint', run.datasetFingerprint, 'dataset-fingerprint'] as [string, string, string]] : []),
    ['Backend', backendText(run.backend, run.threads), 'backend'],
    ['Seed', String(run.seed), 'seed'],
    ['vadc version', run.vadcVersion, 'vadc-version'],
    ['Date', run.date, 'date'],
    ['Machine', `${machine.cpuModel}, ${machine.cores} cores${memory}${machine.platform ? `, ${machine.platform}` : ''}`, 'machine'],
    ...Object.entries(run.versions ?? {}).map(([name, version]) => [name, version, `version-${name}`] as [string, string, string]),
  ];
  const factRows = facts.map(([label, value, key]) => [`<th scope="row">${escapeHtml(label)}</th>`, cell(value, { run: key }, key === 'plan-hash' || key === 'dataset-fingerprint' ? 'mono' : '')]);
  const factsTable = `<table class="facts"><tbody>${factRows.map((row) => `<tr>${row.join('')}</tr>`).join('')}</tbody></table>`;
  if (run.timings.length === 0) return factsTable + missing('no step timings were recorded');
  const total = run.timings.reduce((sum, timing) => sum + timing.seconds, 0);
  const timingRows = run.timings.map((timing) => [cell(timing.step), cell(formatSeconds(timing.seconds), { seconds: String(timing.seconds) }, 'number')]);
  timingRows.push([`<th scope="row">total</th>`, cell(formatSeconds(total), {}, 'number total')]);
  return `${factsTable}<h3>Timings</h3>${table(['Step', 'Wall time'], timingRows, 'timings')}`;
}

/** Frames per second for training and inference on the backend used. */
export function speedSection(speed: ReportSpeed | undefined): string {
  if (!speed) return missing('no speed measurements were given');
  const phases = [
    ['training', speed.training],
    ['inference', speed.inference],
  ] as const;
  const rows = phases.flatMap(([phase, measured]) =>
    measured ? [[cell(phase), cell(formatRate(measured.framesPerSecond), { speed: phase }, 'number'), cell(String(measured.batch), {}, 'number')]] : [],
  );
  const engines = [
    ...(speed.trainEngine ? [`training engine: <strong data-engine="train">${escapeHtml(speed.trainEngine)}</strong>`] : []),
    ...(speed.scoringEngine ? [`scoring engine: <strong data-engine="score">${escapeHtml(speed.scoringEngine)}</strong>`] : []),
  ];
  const backend = `<p>TF.js backend: <strong>${escapeHtml(backendText(speed.backend, speed.threads))}</strong>${engines.length > 0 ? `; ${engines.join('; ')}` : ''}</p>`;
  if (rows.length === 0) return backend + missing('neither training nor inference was timed');
  return backend + table(['Phase', 'Frames/s', 'Batch'], rows, 'speed');
}
