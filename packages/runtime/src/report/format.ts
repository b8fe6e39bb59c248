// How numbers and text appear in report.html. formatMetric is also the formatter for metrics.json's display, so the
// report and the file can be compared string for string.

/** Decimal places of every metric value shown (metrics are in [0, 1]; 4 places resolve 0.01 AUC points). */
export const METRIC_DECIMALS = 4;

/** Formats a metric value: 4 decimals ("0.9123"), "n/a" when absent or not finite. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const text = value.toFixed(METRIC_DECIMALS);
  // (-0.00001).toFixed(4) is "-0.0000": a sign on zero only confuses comparisons.
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Formats a duration: "0.4 s", "42.0 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** Formats a throughput: one decimal below 100 frames/s, none above. */
export function formatRate(framesPerSecond: number): string {
  if (!Number.isFinite(framesPerSecond)) return 'n/a';
  return framesPerSecond < 100 ? framesPerSecond.toFixed(1) : framesPerSecond.toFixed(0);
}

/** Formats an axis tick with as many decimals as the tick step needs (1-2-5 steps: step 0.2 -> "0.6", step 10 -> "20"). */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(Math.abs(step)) + 1e-9)));
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}
