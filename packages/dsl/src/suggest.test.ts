import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from './suggest.ts';

describe('did you mean', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('hedas', 'heads')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests only plausible candidates', () => {
    expect(closestMatch('hedas', ['dim', 'depth', 'heads'])).toBe('heads');
    expect(closestMatch('cvt-pointwize', ['cvt-pointwise', 'cvt-mlp'])).toBe('cvt-pointwise');
    expect(closestMatch('xyz', ['dim', 'depth', 'heads'])).toBeUndefined();
    expect(didYouMean('dpeth', ['depth'])).toBe('did you mean `depth`?');
  });
  it('suggests the one candidate a shortened word begins', () => {
    expect(closestMatch('thresh', ['threshold', 'map-threshold', 'out'])).toBe('threshold');
    expect(closestMatch('max', ['max-frames', 'max-seconds'])).toBeUndefined();
    expect(closestMatch('ou', ['output'])).toBeUndefined();
  });
});
