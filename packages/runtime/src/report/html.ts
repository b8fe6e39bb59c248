// Small HTML building blocks shared by the report's sections.
import { escapeHtml } from './format.ts';

/** Series colours: the final score first, then the components, then a cycle for anything else. */
export const COLORS = {
  score: '#1d3f72',
  teacher: '#c8553d',
  discrepancy: '#e09f3e',
  anomalyMap: '#2a9d8f',
  classifier: '#7b6fb0',
  other: '#9aa5b1',
  cycle: ['#1d3f72', '#c8553d', '#2a9d8f', '#e09f3e', '#7b6fb0', '#5c946e', '#b5838d', '#6c757d'],
} as const;

/** The colour of the i-th series in a cycle. */
export function cycleColor(index: number): string {
  return COLORS.cycle[index % COLORS.cycle.length]!;
}

/** A short note standing in for a section or panel that has no data. */
export function missing(reason: string): string {
  return `<p class="missing">Not available: ${escapeHtml(reason)}</p>`;
}

/** A legend: colour swatches with labels. */
export function legend(items: Array<{ label: string; color: string; dashed?: boolean; band?: boolean }>): string {
  const entries = items.map((item) => {
    const swatch = item.band
      ? '<span class="swatch band-swatch"></span>'
      : `<span class="swatch${item.dashed ? ' dashed' : ''}" style="border-color:${escapeHtml(item.color)}"></span>`;
    return `<span class="legend-item">${swatch}${escapeHtml(item.label)}</span>`;
  });
  return `<div class="legend">${entries.join('')}</div>`;
}

/** A table from a header row and body rows of already-escaped cell HTML. */
export function table(header: string[], rows: string[][], className = ''): string {
  const head = `<thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((row) => `<tr>${row.join('')}</tr>`).join('');
  return `<table${className ? ` class="${className}"` : ''}>${head}<tbody>${body}</tbody></table>`;
}

/** A `<td>` holding escaped text, with optional data attributes (hooks for tests). */
export function cell(text: string, attributes: Record<string, string> = {}, className = ''): string {
  const extra = Object.entries(attributes)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  return `<td${className ? ` class="${className}"` : ''}${extra}>${escapeHtml(text)}</td>`;
}

/** The ground-truth abnormal intervals of 0/1 labels, as inclusive [first, last] frame pairs. */
export function abnormalIntervals(labels: ArrayLike<number>): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const abnormal = i < labels.length && labels[i]! > 0;
    if (abnormal && start < 0) start = i;
    if (!abnormal && start >= 0) {
      intervals.push([start, i - 1]);
      start = -1;
    }
  }
  return intervals;
}
