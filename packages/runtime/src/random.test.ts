import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';

describe('Random', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const drawsA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(drawsA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(drawsA);
  });

  it('fillUint32 gives the nextUint32 sequence and leaves the same state', () => {
    const one = new Random(42);
    const bulk = new Random(42);
    const expected = Array.from({ length: 1000 }, () => one.nextUint32());
    expect([...bulk.fillUint32(new Uint32Array(1000))]).toEqual(expected);
    expect(bulk.getState()).toEqual(one.getState());
    expect(bulk.nextUint32()).toBe(one.nextUint32());
  });

  it('continues the same sequence from a saved state', () => {
    const original = new Random(5);
    original.next();
    const restored = new Random(original.getState());
    expect(restored.next()).toBe(original.next());
  });

  it('draws uniform values with the right mean and integers within bounds', () => {
    const random = new Random(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += random.next();
    expect(sum / 20000).toBeCloseTo(0.5, 2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.integer(2, 4));
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });

  it('derives independent generators per label', () => {
    expect(Random.derive(1, 'masking').next()).not.toBe(Random.derive(1, 'data').next());
    expect(Random.derive(1, 'masking').next()).toBe(Random.derive(1, 'masking').next());
  });
});
