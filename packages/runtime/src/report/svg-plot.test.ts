import { describe, expect, it } from 'vitest';
import { extent, linePlot, niceTicks, seriesPath, type PlotSeries } from './svg-plot.ts';

const identity = (value: number): number => value;

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    const ticks = niceTicks(0, 1);
    expect(ticks.step).toBeCloseTo(0.2);
    expect(ticks.values.map((value) => Number(value.toFixed(6)))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 120, 6).values).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(niceTicks(3, 3).values).toEqual([3]);
  });
});

describe('extent', () => {
  it('ignores non-finite values and says null when nothing is finite', () => {
    expect(extent([[3, Number.NaN, -1], Float32Array.of(7)])).toEqual([-1, 7]);
    expect(extent([[Number.NaN]])).toBeNull();
  });
});

describe('seriesPath', () => {
  const series = (x: number[], y: number[]): PlotSeries => ({ label: 's', x, y, color: 'black' });

  it('draws one segment per point in pixel space', () => {
    expect(seriesPath(series([0, 10, 20], [5, 6, 7]), identity, identity)).toBe('M0 5L10 6L20 7');
  });

  it('lifts the pen over non-finite values', () => {
    expect(seriesPath(series([0, 10, 20, 30], [1, Number.NaN, 3, 4]), identity, identity)).toBe('M0 1M20 3L30 4');
  });

  it('thins a long series to the extremes of each pixel column, keeping the peak', () => {
    const count = 10_000;
    const x = Array.from({ length: count }, (_, i) => i);
    const y = x.map((i) => (i === 4321 ? 100 : Math.sin(i)));
    // 10 000 points onto 100 pixels: at most 2 points per pixel column survive.
    const d = seriesPath(series(x, y), (value) => value / 100, (value) => -value);
    const points = d.split(/[ML]/).filter(Boolean);
    expect(points.length).toBeLessThanOrEqual(200);
    expect(d).toContain('43.2 -100');
  });
});

describe('linePlot', () => {
  it('carries its hook, shades bands and escapes labels', () => {
    const svg = linePlot({
      id: 'score-a"b',
      title: 'T<1>',
      xLabel: 'frame',
      yLabel: 'score',
      series: [{ label: 'x&y', x: [0, 1, 2], y: [0, 1, 0], color: 'red' }],
      bands: [{ from: 0.5, to: 1.5 }],
      xDomain: [0, 2],
      yDomain: [0, 1],
      width: 252,
      height: 150,
    });
    expect(svg).toContain('data-plot="score-a&quot;b"');
    expect(svg).toContain('<title>T&lt;1&gt;</title>');
    expect(svg).toContain('data-series="x&amp;y"');
    // Plot area x from 52 to 238 (252 - 14): 93 px per unit, so the band [0.5, 1.5] spans 98.5..191.5.
    expect(svg).toContain('<rect class="band" x="98.5" y="12" width="93" height="100"/>');
    // y from 112 (bottom, 150 - 38) to 12 (top): the peak (1, 1) is at (145, 12).
    expect(svg).toContain('d="M52 112L145 12L238 112"');
  });
});
