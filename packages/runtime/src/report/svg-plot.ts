// Line plots as inline SVG strings: axes with 1-2-5 ticks, line series, shaded x intervals (ground-truth abnormal
// frames), vertical rules (chosen frames) and an optional chance diagonal (ROC). No library, no script: the browser
// draws it from the markup alone, and each plot carries `data-plot="<id>"` so tests can find it.
import { escapeHtml, formatTick } from './format.ts';

/** One line of a plot. Non-finite points break the line. */
export interface PlotSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Any CSS colour. */
  color: string;
  strokeWidth?: number;
  dashed?: boolean;
  /** Draw a dot at each point (for short series such as sweeps). */
  markers?: boolean;
}

/** What to draw and how. Domains default to the data's extent, widened to whole ticks. */
export interface LinePlotOptions {
  /** The `data-plot` hook, e.g. "score-Test001". */
  id: string;
  /** Accessible name, shown as the plot's tooltip. */
  title: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
  /** viewBox size; the SVG scales to its container's width. */
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Shaded x intervals, e.g. ground-truth abnormal frames. */
  bands?: Array<{ from: number; to: number }>;
  /** Dashed vertical lines at these x values. */
  rules?: number[];
  /** Draw the y = x chance line (ROC plots). */
  diagonal?: boolean;
  /** Explicit x ticks (categorical axes, e.g. swept values); default: 1-2-5 ticks. */
  xTicks?: Array<{ value: number; label: string }>;
}

const MARGIN = { left: 52, right: 14, top: 12, bottom: 38 };

/** Ticks at 1, 2 or 5 times a power of ten, about `count` of them across [low, high]. */
export function niceTicks(low: number, high: number, count = 5): { values: number[]; step: number } {
  const span = high - low;
  if (!(span > 0) || !Number.isFinite(span)) return { values: [low], step: 1 };
  const rough = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalised = rough / magnitude;
  const step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude;
  const values: number[] = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + step * 1e-9; value += step) {
    values.push(Math.abs(value) < step * 1e-9 ? 0 : value);
  }
  return { values, step };
}

/** The finite extent of the values, or null when there are none. */
export function extent(arrays: ArrayLike<number>[]): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const array of arrays) {
    for (let i = 0; i < array.length; i++) {
      const value = array[i]!;
      if (Number.isFinite(value)) {
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
    }
  }
  return low <= high ? [low, high] : null;
}

/** A domain that starts and ends on ticks; a single value is widened so it has a height. */
function niceDomain(range: [number, number] | null): [number, number] {
  if (!range) return [0, 1];
  let [low, high] = range;
  if (low === high) {
    const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 0.5;
    low -= pad;
    high += pad;
  }
  const { step } = niceTicks(low, high);
  return [Math.floor(low / step + 1e-9) * step, Math.ceil(high / step - 1e-9) * step];
}

const round = (value: number): string => (Math.round(value * 10) / 10).toString();

/**
 * The path `d` of a series. Long series are thinned to the lowest and highest point per horizontal pixel, in their
 * original order, so a 10 000-frame video costs about 2 x width points and keeps every peak.
 */
export function seriesPath(series: PlotSeries, toX: (x: number) => number, toY: (y: number) => number): string {
  const count = Math.min(series.x.length, series.y.length);
  const commands: string[] = [];
  let penDown = false;
  let column = NaN;
  let bucket: Array<[number, number]> = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    let lowest = bucket[0]!;
    let highest = bucket[0]!;
    for (const point of bucket) {
      if (point[1] > lowest[1]) lowest = point; // SVG y grows downwards: larger py is a lower value
      if (point[1] < highest[1]) highest = point;
    }
    const kept = bucket.length <= 2 ? bucket : bucket.indexOf(lowest) < bucket.indexOf(highest) ? [lowest, highest] : [highest, lowest];
    for (const [px, py] of kept) {
      commands.push(`${penDown ? 'L' : 'M'}${round(px)} ${round(py)}`);
      penDown = true;
    }
    bucket = [];
  };
  for (let i = 0; i < count; i++) {
    const x = series.x[i]!;
    const y = series.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      flush();
      penDown = false;
      continue;
    }
    const px = toX(x);
    const pixel = Math.floor(px);
    if (pixel !== column) {
      flush();
      column = pixel;
    }
    bucket.push([px, toY(y)]);
  }
  flush();
  return commands.join('');
}

/** Renders a line plot as an inline `<svg data-plot="...">` string. */
export function linePlot(options: LinePlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const inner = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const xDomain = options.xDomain ?? niceDomain(extent(options.series.map((series) => series.x)));
  const yDomain = options.yDomain ?? niceDomain(extent(options.series.map((series) => series.y)));
  const xSpan = xDomain[1] - xDomain[0] || 1;
  const ySpan = yDomain[1] - yDomain[0] || 1;
  const toX = (x: number): number => inner.left + ((x - xDomain[0]) / xSpan) * (inner.right - inner.left);
  const toY = (y: number): number => inner.bottom - ((y - yDomain[0]) / ySpan) * (inner.bottom - inner.top);
  const clampX = (x: number): number => Math.min(inner.right, Math.max(inner.left, toX(x)));

  const parts: string[] = [];
  parts.push(`<title>${escapeHtml(options.title)}</title>`);
  for (const band of options.bands ?? []) {
    const from = clampX(band.from);
    const to = clampX(band.to);
    if (to > from) {
      parts.push(`<rect class="band" x="${round(from)}" y="${inner.top}" width="${round(to - from)}" height="${inner.bottom - inner.top}"/>`);
    }
  }
  const yTicks = niceTicks(yDomain[0], yDomain[1]);
  for (const value of yTicks.values) {
    const y = round(toY(value));
    parts.push(`<line class="gridline" x1="${inner.left}" x2="${inner.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${inner.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(value, yTicks.step)}</text>`);
  }
  const xAutoTicks = niceTicks(xDomain[0], xDomain[1], 6);
  const xTicks = options.xTicks ?? xAutoTicks.values.map((value) => ({ value, label: formatTick(value, xAutoTicks.step) }));
  for (const tick of xTicks) {
    const x = round(toX(tick.value));
    parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${inner.bottom}" y2="${inner.bottom + 4}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${inner.bottom + 16}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  parts.push(`<path class="axis" d="M${inner.left} ${inner.top}V${inner.bottom}H${inner.right}"/>`);
  if (options.diagonal) {
    parts.push(`<path class="chance" d="M${round(toX(0))} ${round(toY(0))}L${round(toX(1))} ${round(toY(1))}"/>`);
  }
  for (const rule of options.rules ?? []) {
    const x = round(clampX(rule));
    parts.push(`<line class="rule" x1="${x}" x2="${x}" y1="${inner.top}" y2="${inner.bottom}"/>`);
  }
  for (const series of options.series) {
    const dash = series.dashed ? ' stroke-dasharray="5 3"' : '';
    const d = seriesPath(series, toX, toY);
    if (d) {
      parts.push(`<path class="series" data-series="${escapeHtml(series.label)}" d="${d}" stroke="${escapeHtml(series.color)}" stroke-width="${series.strokeWidth ?? 1.5}"${dash}><title>${escapeHtml(series.label)}</title></path>`);
    }
    if (series.markers) {
      for (let i = 0; i < Math.min(series.x.length, series.y.length); i++) {
        const x = series.x[i]!;
        const y = series.y[i]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        parts.push(`<circle cx="${round(toX(x))}" cy="${round(toY(y))}" r="3.5" fill="${escapeHtml(series.color)}"/>`);
      }
    }
  }
  parts.push(`<text class="label" x="${(inner.left + inner.right) / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  const yMiddle = (inner.top + inner.bottom) / 2;
  parts.push(`<text class="label" x="12" y="${yMiddle}" text-anchor="middle" transform="rotate(-90 12 ${yMiddle})">${escapeHtml(options.yLabel)}</text>`);
  return `<svg class="plot" data-plot="${escapeHtml(options.id)}" viewBox="0 0 ${width} ${height}" role="img">${parts.join('')}</svg>`;
}
