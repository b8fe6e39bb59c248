// Temporal smoothing and normalisation of per-frame scores exactly as the official AED-MAE evaluation does it
// (ristea/aed-mae util/abnormal_utils.py `filt`, `gaussian_filter`; inference.py `evaluate_model`).
import { MetricsError } from './errors.ts';

/** A truncated Gaussian smoothing: `range - 1` taps over support 1..range-1, standard deviation `sigma`. */
export interface GaussianSmoothing {
  range: number;
  sigma: number;
}

/** A named evaluation protocol: its smoothing (null = none) and whether scores are min-max normalised per video. */
export interface SmoothingPreset {
  smoothing: GaussianSmoothing | null;
  normalize: boolean;
}

/** The official protocols: Avenue (range 38, sigma 11), ShanghaiTech (range 900, sigma 282, normalised), none. */
export const SMOOTHING_PRESETS: Readonly<Record<string, SmoothingPreset>> = Object.freeze({
  'aed-mae-avenue': { smoothing: { range: 38, sigma: 11 }, normalize: false },
  'aed-mae-shanghaitech': { smoothing: { range: 900, sigma: 282 }, normalize: true },
  none: { smoothing: null, normalize: false },
});

/** A smoothing as users write it: a preset name, "none", or explicit `{ range, sigma }`. */
export type SmoothingSpec = string | GaussianSmoothing | null;

/**
 * Resolves a smoothing spec to a preset. An explicit `{range, sigma}` or null has `normalize: false`.
 * Throws UNKNOWN_PRESET, INVALID_SMOOTHING, ODD_RANGE.
 */
export function resolveSmoothing(spec: SmoothingSpec): SmoothingPreset {
  if (spec === null) return { smoothing: null, normalize: false };
  if (typeof spec === 'string') {
    const preset = SMOOTHING_PRESETS[spec];
    if (!preset) {
      throw new MetricsError('UNKNOWN_PRESET', `unknown smoothing preset "${spec}" (known: ${Object.keys(SMOOTHING_PRESETS).join(', ')})`, {
        field: 'smoothing',
      });
    }
    return { smoothing: preset.smoothing && { ...preset.smoothing }, normalize: preset.normalize };
  }
  gaussianKernel(spec);
  return { smoothing: { range: spec.range, sigma: spec.sigma }, normalize: false };
}

/**
 * The official filter taps, `gaussian_filter(np.arange(1, range), sigma)`: support 1..range-1 (range - 1 taps),
 * centred at support[floor(len/2) - 1] (Python indexing, so for range 2 the single tap is its own centre), value
 * exp(-(s - centre)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)), NOT renormalised to sum 1.
 * An odd range is an error (ODD_RANGE): the official code would then return one score more than there are frames.
 */
export function gaussianKernel(smoothing: GaussianSmoothing): Float64Array {
  const { range, sigma } = smoothing;
  if (!Number.isInteger(range) || range < 2) {
    throw new MetricsError('INVALID_SMOOTHING', `smoothing range must be an integer >= 2, got ${range}`, { field: 'range' });
  }
  if (range % 2 === 1) {
    throw new MetricsError('ODD_RANGE', `smoothing range ${range} is odd: the official filter needs an even range`, {
      field: 'range',
    });
  }
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new MetricsError('INVALID_SMOOTHING', `smoothing sigma must be a positive number, got ${sigma}`, { field: 'sigma' });
  }
  const taps = range - 1;
  let centreIndex = Math.floor(taps / 2) - 1;
  if (centreIndex < 0) centreIndex += taps; // Python's support[-1]
  const centre = centreIndex + 1; // support[i] = i + 1
  const kernel = new Float64Array(taps);
  const scale = 1.0 / (sigma * Math.sqrt(2 * Math.PI));
  for (let i = 0; i < taps; i++) {
    const z = (i + 1 - centre) / sigma;
    kernel[i] = scale * Math.exp(-0.5 * z ** 2);
  }
  return kernel;
}

/**
 * `filt(scores, range, mu=sigma)`: correlates the zero-padded scores (floor(taps/2) zeros on each side) with the
 * kernel in 'valid' mode; output length = input length. Because the kernel's peak sits one tap before its middle,
 * output t is centred on input t - 1: the official smoothing delays scores by one frame (output[0] is centred on
 * the padding). `smoothing === null` returns a copy.
 */
export function smoothScores(scores: ArrayLike<number>, smoothing: GaussianSmoothing | null): Float64Array {
  if (smoothing === null) return Float64Array.from(scores);
  const kernel = gaussianKernel(smoothing);
  const padding = Math.floor(kernel.length / 2);
  const length = scores.length;
  const output = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    // padded[t + i] = scores[t + i - padding]; zeros outside. Summed in tap order, as np.correlate does.
    let sum = 0;
    const first = Math.max(0, padding - t);
    const last = Math.min(kernel.length, length + padding - t);
    for (let i = first; i < last; i++) sum += scores[t + i - padding]! * kernel[i]!;
    output[t] = sum;
  }
  return output;
}

/**
 * Per-video min-max normalisation `(s - min) / (max - min)` followed by the official `nan_to_num(nan=0)`:
 * a constant video (0 / 0) becomes all zeros.
 */
export function normalizeScores(scores: ArrayLike<number>): Float64Array {
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    minimum = Math.min(minimum, scores[i]!);
    maximum = Math.max(maximum, scores[i]!);
  }
  const output = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const value = (scores[i]! - minimum) / (maximum - minimum);
    output[i] = Number.isNaN(value) ? 0 : value;
  }
  return output;
}

/**
 * The bookkeeping of smoothing one frame at a time, shared by both smoothers: a window of the inputs that later
 * outputs can still reach (`behind` frames before the next output on), and outputs that wait `lag` frames of input.
 * `push(score)` returns the outputs that became final, `end()` the rest, computed over the frames there are.
 */
abstract class WindowSmoother {
  private readonly window: number[] = [];
  private seen = 0;
  private emitted = 0;

  /** `lag`: frames of input an output waits for; `behind`: frames before an output that it reads. */
  constructor(readonly lag: number, private readonly behind: number) {}

  /** Output t from the inputs `at(i)`; `length` is where the inputs end (Infinity while the stream goes on). */
  protected abstract value(t: number, length: number, at: (i: number) => number): number;

  /** Adds the next frame's score; returns the smoothed scores that are now final, in frame order. */
  push(score: number): number[] {
    this.window.push(score);
    this.seen++;
    const out: number[] = [];
    while (this.emitted + this.lag < this.seen) out.push(this.output(this.emitted++, Infinity));
    const first = this.seen - this.window.length;
    const keepFrom = Math.max(0, this.emitted - this.behind);
    if (keepFrom > first) this.window.splice(0, keepFrom - first);
    return out;
  }

  /** Ends the stream: the remaining smoothed scores. */
  end(): number[] {
    const out: number[] = [];
    while (this.emitted < this.seen) out.push(this.output(this.emitted++, this.seen));
    return out;
  }

  private output(t: number, length: number): number {
    const first = this.seen - this.window.length;
    return this.value(t, length, (i) => this.window[i - first]!);
  }
}

/**
 * `smoothScores` one frame at a time, for live streams: output t needs input up to t + `lag`, and the stream's end
 * is the official zero padding. Pushing a whole video and ending gives exactly `smoothScores` of it, sum order
 * included; the memory held is the filter's width.
 */
export class StreamingSmoother extends WindowSmoother {
  private readonly kernel: Float64Array | null;
  private readonly padding: number;

  constructor(smoothing: GaussianSmoothing | null) {
    const kernel = smoothing === null ? null : gaussianKernel(smoothing);
    const padding = kernel === null ? 0 : Math.floor(kernel.length / 2);
    super(kernel === null ? 0 : kernel.length - 1 - padding, padding);
    this.kernel = kernel;
    this.padding = padding;
  }

  // Inputs at or past `length` are the zeros the official filter pads with.
  protected value(t: number, length: number, at: (i: number) => number): number {
    if (this.kernel === null) return at(t);
    let sum = 0;
    const from = Math.max(0, this.padding - t);
    const to = Math.min(this.kernel.length, length + this.padding - t);
    for (let i = from; i < to; i++) sum += at(t + i - this.padding) * this.kernel[i]!;
    return sum;
  }
}

/**
 * The smoothing of live decisions (`vadc score`, `vadc calibrate`): the recipe's Gaussian (its sigma, and its
 * half-width `range / 2` of past frames), cut to at most `ahead` frames of look-ahead, with the weights renormalised
 * over the frames that exist. So a decision waits for `ahead` frames (its latency), and a stream's first frames are
 * their own scores rather than being pulled towards the zeros the official filter pads with: an alarm can fire at
 * the start. `eval` keeps the official smoothing (smoothScores) for its metrics.
 */
export interface LiveSmoothing {
  sigma: number;
  /** Past frames in the window. */
  behind: number;
  /** Future frames in the window: the latency a decision adds, in frames. */
  ahead: number;
}

/**
 * Look-ahead of live decisions, in frames, chosen on the quickstart recipe's held-out validation video (false alarms
 * against detection delay, docs/live-smoothing.md): 0, a one-sided window.
 */
export const LIVE_LOOKAHEAD = 0;

/** The live smoothing of a recipe's smoothing (null: none, decisions on raw frame scores). */
export function liveSmoothing(smoothing: GaussianSmoothing | null, ahead = LIVE_LOOKAHEAD): LiveSmoothing | null {
  if (smoothing === null) return null;
  gaussianKernel(smoothing); // the same checks as the official filter
  const behind = smoothing.range / 2;
  return { sigma: smoothing.sigma, behind, ahead: Math.min(ahead, behind) };
}

/** A one-line account of a live smoothing, as outputs state it. */
export function describeLiveSmoothing(live: LiveSmoothing | null): string {
  if (live === null) return 'none';
  return `causal gaussian sigma ${live.sigma}, ${live.behind} frames back, ${live.ahead} ahead (latency ${live.ahead} frames), edges renormalised`;
}

/** Weight of offset k (from -behind to ahead) of a live window. */
function liveWeights(live: LiveSmoothing): Float64Array {
  const weights = new Float64Array(live.behind + live.ahead + 1);
  for (let k = -live.behind; k <= live.ahead; k++) weights[k + live.behind] = Math.exp(-0.5 * (k / live.sigma) ** 2);
  return weights;
}

// Output t of a live window over `at(i)` for the frames 0 <= i < length (renormalised over those).
function liveOutput(weights: Float64Array, live: LiveSmoothing, t: number, length: number, at: (i: number) => number): number {
  let sum = 0;
  let total = 0;
  const from = Math.max(-live.behind, -t);
  const to = Math.min(live.ahead, length - 1 - t);
  for (let k = from; k <= to; k++) {
    const weight = weights[k + live.behind]!;
    sum += at(t + k) * weight;
    total += weight;
  }
  return sum / total;
}

/** Smooths a whole video's scores with a live smoothing (null: a copy); equals LiveSmoother fed frame by frame. */
export function smoothLive(scores: ArrayLike<number>, live: LiveSmoothing | null): Float64Array {
  if (live === null) return Float64Array.from(scores);
  const weights = liveWeights(live);
  return Float64Array.from({ length: scores.length }, (_, t) => liveOutput(weights, live, t, scores.length, (i) => scores[i]!));
}

/** smoothLive one frame at a time: push returns the outputs that became final (output t waits for t + ahead). */
export class LiveSmoother extends WindowSmoother {
  private readonly weights: Float64Array | null;

  constructor(private readonly live: LiveSmoothing | null) {
    super(live === null ? 0 : live.ahead, live === null ? 0 : live.behind);
    this.weights = live === null ? null : liveWeights(live);
  }

  // Renormalised over the frames there are.
  protected value(t: number, length: number, at: (i: number) => number): number {
    if (this.live === null || this.weights === null) return at(t);
    return liveOutput(this.weights, this.live, t, length, at);
  }
}
