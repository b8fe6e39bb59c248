import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.ts';
import { gaussianKernel, LiveSmoother, liveSmoothing, normalizeScores, resolveSmoothing, smoothLive, smoothScores } from './smoothing.ts';

const scores = [0.1, 0.3, 0.2, 0.9, 0.8, 0.05, 0.4, 0.0, 0.7, 0.6, 0.2, 0.1];
const gauss = (distance: number, sigma: number) => Math.exp(-0.5 * (distance / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MetricsError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('gaussianKernel', () => {
  it('has range - 1 taps centred at support[len/2 - 1], not renormalised', () => {
    // range 4: support [1, 2, 3], centre support[0] = 1
    const kernel = Array.from(gaussianKernel({ range: 4, sigma: 1 }));
    expect(kernel).toEqual([gauss(0, 1), gauss(1, 1), gauss(2, 1)]);
    // range 38: 37 taps, peak at index 17 (support value 18), sum < 1 because the Gaussian is truncated
    const avenue = gaussianKernel({ range: 38, sigma: 11 });
    expect(avenue.length).toBe(37);
    expect(avenue.indexOf(Math.max(...avenue))).toBe(17);
    expect(avenue.reduce((sum, tap) => sum + tap, 0)).toBeLessThan(0.95);
  });

  it('rejects an odd range (the official filter would emit one extra score) and bad parameters', () => {
    expect(errorCode(() => gaussianKernel({ range: 39, sigma: 11 }))).toBe('ODD_RANGE');
    expect(errorCode(() => gaussianKernel({ range: 1, sigma: 11 }))).toBe('INVALID_SMOOTHING');
    expect(errorCode(() => gaussianKernel({ range: 38, sigma: 0 }))).toBe('INVALID_SMOOTHING');
  });
});

describe('smoothScores', () => {
  it('delays an impulse by one frame (the official centre is one tap early)', () => {
    const smoothed = Array.from(smoothScores([0, 0, 1, 0, 0, 0], { range: 4, sigma: 1 }));
    // out[t] = sum_i in[t + i - 1] k[i]; the impulse at 2 peaks at t = 3
    expect(smoothed).toEqual([0, gauss(2, 1), gauss(1, 1), gauss(0, 1), 0, 0]);
    const avenue = Array.from(smoothScores([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], { range: 38, sigma: 11 }));
    expect(avenue.indexOf(Math.max(...avenue))).toBe(6);
  });

  it('equals numpy filt() of the official code', () => {
    // python: filt(np.array(scores), range=38, mu=11) from ristea/aed-mae util/abnormal_utils.py
    const expected38 = [
      0.13039211124466002, 0.13639708040785326, 0.14158348498125461, 0.14583968139447845, 0.14907199621262718,
      0.15120814516009612, 0.1521999137139321, 0.15202496082414033, 0.1506876518426591, 0.14821887751557733,
      0.1446748695155271, 0.14013507583613588,
    ];
    const expected4 = [
      0.04039436240587076, 0.1232836386985239, 0.21666869888612772, 0.3407548813580661, 0.5553241803022636,
      0.35284874715237863, 0.116735403827729, 0.19737058871980473, 0.20177408707131317, 0.4352402242951265,
      0.2931586097960071, 0.10398552853220089,
    ];
    smoothScores(scores, { range: 38, sigma: 11 }).forEach((value, i) => expect(value).toBeCloseTo(expected38[i]!, 15));
    smoothScores(scores, { range: 4, sigma: 1 }).forEach((value, i) => expect(value).toBeCloseTo(expected4[i]!, 15));
    // range 2: one tap, which Python's support[-1] makes its own centre: no delay, just a scale
    smoothScores(scores, { range: 2, sigma: 3 }).forEach((value, i) => expect(value).toBeCloseTo(scores[i]! * gauss(0, 3), 15));
  });

  it('with normalisation equals the official ShanghaiTech processing', () => {
    const expected = [
      0, 0.29036154337009923, 0.5312553842061304, 0.722672436904449, 0.864605481676225, 0.957049165008525, 1,
      0.9934563665761681, 0.937418511593727, 0.8318885488272382, 0.676870458831522, 0.4723700886953036,
    ];
    const preset = resolveSmoothing('aed-mae-shanghaitech');
    const processed = normalizeScores(smoothScores(scores, preset.smoothing));
    // Normalisation divides by a small range (900 taps smooth 12 frames), amplifying summation-order differences.
    processed.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 11));
  });

  it('returns a copy without smoothing', () => {
    expect(Array.from(smoothScores([1, 2], null))).toEqual([1, 2]);
  });
});

describe('normalizeScores', () => {
  it('min-max scales, and a constant video becomes zeros (official nan_to_num)', () => {
    expect(Array.from(normalizeScores([2, 4, 6]))).toEqual([0, 0.5, 1]);
    expect(Array.from(normalizeScores([3, 3]))).toEqual([0, 0]);
  });
});

describe('resolveSmoothing', () => {
  it('knows the official presets and none', () => {
    expect(resolveSmoothing('aed-mae-avenue')).toEqual({ smoothing: { range: 38, sigma: 11 }, normalize: false });
    expect(resolveSmoothing('aed-mae-shanghaitech')).toEqual({ smoothing: { range: 900, sigma: 282 }, normalize: true });
    expect(resolveSmoothing('none')).toEqual({ smoothing: null, normalize: false });
    expect(resolveSmoothing({ range: 10, sigma: 2 })).toEqual({ smoothing: { range: 10, sigma: 2 }, normalize: false });
  });

  it('rejects unknown names and odd ranges', () => {
    expect(errorCode(() => resolveSmoothing('avenue'))).toBe('UNKNOWN_PRESET');
    expect(errorCode(() => resolveSmoothing({ range: 37, sigma: 11 }))).toBe('ODD_RANGE');
  });
});

describe('live smoothing (causal, edges renormalised)', () => {
  it('is the recipe\'s Gaussian over past frames only, renormalised: frame 0 is its own score', () => {
    const live = liveSmoothing({ range: 8, sigma: 2 })!;
    expect(live).toEqual({ sigma: 2, behind: 4, ahead: 0 });
    const smoothed = smoothLive(scores, live);
    expect(smoothed[0]).toBe(scores[0]);
    // Frame 5: weights exp(-k^2 / 8) for k = -4..0 over frames 1..5.
    const weights = [-4, -3, -2, -1, 0].map((k) => Math.exp(-0.5 * (k / 2) ** 2));
    const expected = weights.reduce((sum, weight, index) => sum + weight * scores[1 + index]!, 0) / weights.reduce((a, b) => a + b, 0);
    expect(smoothed[5]).toBeCloseTo(expected, 12);
    // A constant input stays constant (no zero padding pulls its ends down), unlike the official filter.
    const flat = smoothLive(new Array(10).fill(0.5), live);
    flat.forEach((value) => expect(value).toBeCloseTo(0.5, 12));
    expect(smoothScores(new Array(10).fill(0.5), { range: 8, sigma: 2 })[0]).toBeLessThan(0.4);
  });

  it('frame by frame equals the whole video, with a look-ahead that is the lag', () => {
    for (const ahead of [0, 2, 4]) {
      const live = liveSmoothing({ range: 8, sigma: 2 }, ahead)!;
      const smoother = new LiveSmoother(live);
      expect(smoother.lag).toBe(ahead);
      const out: number[] = [];
      scores.forEach((score, index) => {
        const ready = smoother.push(score);
        out.push(...ready);
        expect(out.length).toBe(Math.max(0, index + 1 - ahead));
      });
      out.push(...smoother.end());
      expect(out).toEqual([...smoothLive(scores, live)]);
    }
    expect(liveSmoothing(null)).toBeNull();
    expect([...smoothLive(scores, null)]).toEqual(scores);
  });
});
