// renderReport: ReportData in, one self-contained report.html out. Pure: no I/O, no clock, no randomness, so the same
// run renders the same bytes. A Content-Security-Policy forbids every network fetch, which keeps the page honest
// about being self-contained (and the browser test checks it).
import { escapeHtml, formatMetric } from './format.ts';
import { operatingPointsSection, perVideoSection } from './sections-decisions.ts';
import { framesSection } from './sections-frames.ts';
import { detectionSection, rocSection, sweepSection, trainingSection, videosSection } from './sections-plots.ts';
import { metricsSection, runSection, speedSection } from './sections-summary.ts';
import { validationSection } from './sections-validation.ts';
import { REPORT_CSS } from './style.ts';
import type { ReportData } from './types.ts';

/** No scripts, no fetches: only inline styles and data: images. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

interface Section {
  id: string;
  title: string;
  render: () => string;
}

/** A section's HTML; a section that throws (malformed data) becomes a note instead of costing the whole report. */
function renderSection(section: Section): string {
  let body: string;
  try {
    body = section.render();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    body = `<p class="missing">This section could not be rendered: ${escapeHtml(reason)}</p>`;
  }
  return `<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2>${body}</section>`;
}

/** Renders a run's report as one self-contained HTML document (inline CSS, inline SVG plots, data: URI images). */
export function renderReport(data: ReportData): string {
  const { run, metrics } = data;
  const sections: Section[] = [
    { id: 'metrics', title: 'Metrics', render: () => metricsSection(metrics) },
    { id: 'per-video', title: 'Per video (worst first)', render: () => perVideoSection(data.perVideo) },
    { id: 'operating-points', title: 'Operating points', render: () => operatingPointsSection(data.decisions) },
    { id: 'scores', title: 'Anomaly scores per test video', render: () => videosSection(data.videos, data.frames) },
    { id: 'frames', title: 'Chosen frames', render: () => framesSection(data.frames) },
    { id: 'roc', title: 'ROC curves', render: () => rocSection(data.roc, metrics) },
    { id: 'detection', title: 'RBDC and TBDC curves', render: () => detectionSection(data.detectionCurves, metrics) },
    { id: 'sweep', title: 'Sweep', render: () => sweepSection(data.sweep) },
    { id: 'speed', title: 'Speed', render: () => speedSection(data.speed) },
    { id: 'training', title: 'Training curves', render: () => trainingSection(data.training) },
    { id: 'validation', title: 'Validation curve', render: () => validationSection(data.validation) },
    { id: 'run', title: 'Run', render: () => runSection(run) },
  ];
  const title = `${run.recipeName} · ${run.runId}`;
  // Optional chaining although the type requires both: a report must still render from a hand-edited metrics.json.
  const headline = `micro AUC ${formatMetric(metrics.micro_auc?.value)} · macro AUC ${formatMetric(metrics.macro_auc?.value)}`;
  const navigation = sections.map((section) => `<a href="#${section.id}">${escapeHtml(section.title)}</a>`).join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="vadc ${escapeHtml(run.vadcVersion)}">`,
    `<title>${escapeHtml(title)} · vadc report</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body><main>',
    `<header><h1>${escapeHtml(run.recipeName)}</h1><p>run ${escapeHtml(run.runId)} · ${escapeHtml(run.date)} · ${escapeHtml(headline)}</p></header>`,
    `<nav>${navigation}</nav>`,
    ...sections.map(renderSection),
    `<footer>Written by vadc ${escapeHtml(run.vadcVersion)}. This file is self-contained: it needs no network to open.</footer>`,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
