// End to end: render the fixture's report, open it in headless Chromium (Debian's package, as CI installs it) and check
// what a reader would see: every plot drawn with its lines, every image decoded, the metric numbers as formatMetric
// writes them, no console errors and no network requests.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMetric } from './format.ts';
import { renderReport } from './render-report.ts';
import { testReportData } from './test-report-data.ts';
import { REPORT_METRIC_NAMES } from './types.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PageFacts {
  plots: Array<{ id: string; width: number; height: number; paths: number; drawnPaths: number }>;
  images: Array<{ alt: string; complete: boolean; naturalWidth: number; width: number }>;
  metrics: Record<string, string>;
}

describe('report.html in headless Chromium', () => {
  const data = testReportData();
  let directory = '';
  let context: BrowserContext | null = null;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let reportUrl = '';
  let facts: PageFacts;

  beforeAll(async () => {
    // Fail, never skip: CI installs Chromium, so a missing browser is a broken environment, not an optional test.
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
    }
    directory = await mkdtemp(join(tmpdir(), 'vadc-report-'));
    const reportPath = join(directory, 'report.html');
    await writeFile(reportPath, renderReport(data));
    reportUrl = pathToFileURL(reportPath).href;
    context = await chromium.launchPersistentContext(join(directory, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(reportUrl, { waitUntil: 'load' });
    facts = await page.evaluate(() => {
      const plots = Array.from(document.querySelectorAll<SVGSVGElement>('svg[data-plot]')).map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = Array.from(svg.querySelectorAll<SVGPathElement>('path.series'));
        return {
          id: svg.dataset.plot ?? '',
          width: box.width,
          height: box.height,
          paths: paths.length,
          drawnPaths: paths.filter((path) => path.getTotalLength() > 0 && path.getBoundingClientRect().width > 0).length,
        };
      });
      const images = Array.from(document.querySelectorAll('img')).map((image) => ({
        alt: image.alt,
        complete: image.complete,
        naturalWidth: image.naturalWidth,
        width: image.getBoundingClientRect().width,
      }));
      const metrics: Record<string, string> = {};
      for (const cell of Array.from(document.querySelectorAll<HTMLElement>('[data-metric]'))) metrics[cell.dataset.metric ?? ''] = cell.textContent ?? '';
      return { plots, images, metrics };
    });
  });

  afterAll(async () => {
    await context?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('draws every plot at a visible size with its lines', () => {
    expect(facts.plots.map((plot) => plot.id)).toEqual(['score-Test001', 'score-Test002', 'roc', 'rbdc', 'tbdc', 'sweep-score.alpha', 'sweep-score.beta', 'training-pretrain', 'training-distill']);
    for (const plot of facts.plots) {
      expect(plot.width, plot.id).toBeGreaterThan(100);
      expect(plot.height, plot.id).toBeGreaterThan(50);
      expect(plot.paths, plot.id).toBeGreaterThan(0);
      expect(plot.drawnPaths, plot.id).toBe(plot.paths);
    }
    // Per video: final score plus three components.
    expect(facts.plots[0]!.paths).toBe(4);
  });

  it('decodes every image', () => {
    expect(facts.images).toHaveLength(10);
    for (const image of facts.images) {
      expect(image.complete, image.alt).toBe(true);
      expect(image.naturalWidth, image.alt).toBeGreaterThan(0);
      expect(image.width, image.alt).toBeGreaterThan(0);
    }
  });

  it('shows the metric numbers formatMetric writes to metrics.json', () => {
    const expected = Object.fromEntries(REPORT_METRIC_NAMES.map((name) => [name, formatMetric(data.metrics[name]?.value)]));
    expect(facts.metrics).toEqual(expected);
  });

  it('logs no errors and fetches nothing but the report itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((url) => url !== reportUrl && !url.startsWith('data:'))).toEqual([]);
  });
});
