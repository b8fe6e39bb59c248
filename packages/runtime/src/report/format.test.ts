import { describe, expect, it } from 'vitest';
import { escapeHtml, formatMetric, formatRate, formatSeconds, formatTick } from './format.ts';

describe('formatMetric', () => {
  it('shows four decimals, rounding half away from the truncated digit', () => {
    expect(formatMetric(0.912345)).toBe('0.9123');
    expect(formatMetric(0.91236)).toBe('0.9124');
    expect(formatMetric(1)).toBe('1.0000');
    expect(formatMetric(0)).toBe('0.0000');
  });
  it('says n/a for absent or non-finite values and drops the sign of a rounded zero', () => {
    expect(formatMetric(null)).toBe('n/a');
    expect(formatMetric(undefined)).toBe('n/a');
    expect(formatMetric(Number.NaN)).toBe('n/a');
    expect(formatMetric(Infinity)).toBe('n/a');
    expect(formatMetric(-0.00001)).toBe('0.0000');
    expect(formatMetric(-0.5)).toBe('-0.5000');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
});

describe('durations, rates and ticks', () => {
  it('formats durations by magnitude', () => {
    expect(formatSeconds(3.25)).toBe('3.3 s');
    expect(formatSeconds(185)).toBe('3 min 05 s');
    expect(formatSeconds(3725)).toBe('1 h 02 min');
  });
  it('formats rates with one decimal below 100 frames/s', () => {
    expect(formatRate(12.34)).toBe('12.3');
    expect(formatRate(151.6)).toBe('152');
  });
  it('gives ticks the decimals their step needs', () => {
    expect(formatTick(0.6000000000000001, 0.2)).toBe('0.6');
    expect(formatTick(20, 10)).toBe('20');
    expect(formatTick(0.05, 0.05)).toBe('0.05');
    expect(formatTick(-1e-17, 0.2)).toBe('0.0');
  });
});
