import { describe, it, expect } from 'vitest';
import { createResizer } from './resize.ts';

describe('createResizer (cv2.resize INTER_LINEAR geometry)', () => {
  it('enlarges 1x2 to 1x4 with half-pixel centres and clamped borders', () => {
    // Destination x maps to (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    const out = createResizer([1, 2], [1, 4], 1).resize(new Uint8Array([0, 100]));
    expect([...out]).toEqual([0, 25, 75, 100]);
  });

  it('shrinks 4x4 to 2x2 by averaging 2x2 blocks (sample points fall between pixels)', () => {
    const image = new Uint8Array([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
    const out = createResizer([4, 4], [2, 2], 1).resize(image);
    // Block means: (0+10+40+50)/4 = 25, (20+30+60+70)/4 = 45, 105, 125.
    expect([...out]).toEqual([25, 45, 105, 125]);
  });

  it('keeps channels apart in interleaved RGB', () => {
    const out = createResizer([1, 2], [1, 4], 3).resize(new Uint8Array([0, 200, 50, 100, 0, 50]));
    expect([...out]).toEqual([0, 200, 50, 25, 150, 50, 75, 50, 50, 100, 0, 50]);
  });

  it('matches cv2.resize bit for bit (values from OpenCV 5.0, cv2.resize(a, (7, 4)) and (3, 2))', () => {
    const image = new Uint8Array([0, 50, 100, 150, 200, 255, 30, 60, 90, 120, 10, 250, 20, 240, 30]);
    expect([...createResizer([3, 5], [4, 7], 1).resize(image)]).toEqual([
      0, 28, 64, 100, 135, 171, 200, 159, 90, 48, 75, 102, 129, 150, 163, 134, 93, 45, 117, 120, 86, 10, 147, 184, 20, 177, 150, 30,
    ]);
    expect([...createResizer([3, 5], [2, 3], 1).resize(image)]).toEqual([57, 90, 165, 112, 30, 102]);
  });

  it('returns a copy at the same size and rejects a wrong input length', () => {
    const image = new Uint8Array([1, 2, 3, 4]);
    const resizer = createResizer([2, 2], [2, 2], 1);
    const out = resizer.resize(image);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(out).not.toBe(image);
    expect(() => resizer.resize(new Uint8Array(3))).toThrow(RangeError);
  });
});
