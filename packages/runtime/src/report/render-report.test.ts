import { describe, expect, it } from 'vitest';
import { formatMetric } from './format.ts';
import { renderReport } from './render-report.ts';
import { testReportData } from './test-report-data.ts';
import { REPORT_METRIC_NAMES, type ReportData } from './types.ts';

function minimalData(): ReportData {
  const { run, metrics } = testReportData();
  return { run, metrics };
}

describe('renderReport', () => {
  it('shows every metric as formatMetric writes it, on a data-metric hook', () => {
    const data = testReportData();
    const html = renderReport(data);
    for (const name of REPORT_METRIC_NAMES) {
      const expected = formatMetric(data.metrics[name]?.value);
      expect(html).toContain(`data-metric="${name}">${expected}</td>`);
    }
  });

  it('draws a plot per video, ROC, RBDC, TBDC, sweep key and training stage', () => {
    const html = renderReport(testReportData());
    const plots = [...html.matchAll(/data-plot="([^"]+)"/g)].map((match) => match[1]);
    expect(plots).toEqual(['score-Test001', 'score-Test002', 'roc', 'rbdc', 'tbdc', 'sweep-score.alpha', 'sweep-score.beta', 'training-pretrain', 'training-distill']);
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(10);
  });

  it('escapes HTML in names everywhere they appear', () => {
    const data = testReportData();
    const hostile = '<script>alert("x")</script>&';
    data.run.recipeName = hostile;
    data.videos![0]!.name = hostile;
    data.frames![0]!.video = hostile;
    data.training![0]!.stage = hostile;
    const html = renderReport(data);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(html).toContain('data-plot="score-&lt;script&gt;');
  });

  it('renders only run info and metrics when nothing else is given, with a note per missing section', () => {
    const html = renderReport(minimalData());
    expect(html).not.toContain('data-plot=');
    expect(html).not.toContain('<img');
    const notes = html.match(/<p class="missing">Not available: [^<]+<\/p>/g) ?? [];
    // per video, operating points, scores, frames, ROC, RBDC/TBDC, sweep, speed, training, validation
    expect(notes).toHaveLength(10);
  });

  it('turns a section with malformed data into a note instead of failing', () => {
    const data = minimalData();
    data.videos = [{ name: 'broken' } as unknown as NonNullable<ReportData['videos']>[number]];
    data.speed = { backend: 'cpu' };
    const html = renderReport(data);
    expect(html).toMatch(/<section id="scores"><h2>[^<]+<\/h2><p class="missing">This section could not be rendered: /);
    expect(html).toContain('Not available: neither training nor inference was timed');
    expect(html).toContain('data-metric="micro_auc">0.9123<');
  });

  it('references nothing over the network and forbids fetches', () => {
    const html = renderReport(testReportData());
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(script|link|iframe)\b/);
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
  });

  it('is deterministic', () => {
    expect(renderReport(testReportData())).toBe(renderReport(testReportData()));
  });
});
