import { describe, expect, it } from 'vitest';
import { startProgress } from './progress.ts';

describe('startProgress', () => {
  it('prints plain periodic lines with rate and time left when not on a terminal', () => {
    let clock = 0;
    const lines: string[] = [];
    const bar = startProgress('teacher', 100, { write: (t) => lines.push(t), isTerminal: false, lineInterval: 10, now: () => clock, unit: 'frames' });
    clock = 5;
    bar.tick(10); // under the interval: silent
    clock = 10;
    bar.tick(10, 'loss 0.5'); // 20 frames in 10 s -> 2 frames/s, 80 left -> 40 s
    expect(lines).toEqual(['teacher: 20/100 (20%)  2.0 frames/s  40s left  loss 0.5\n']);
    clock = 50;
    bar.done();
    expect(lines[1]).toBe('teacher: 20 frames in 50s\n');
  });

  it('redraws one line on a terminal', () => {
    const lines: string[] = [];
    let clock = 0;
    const bar = startProgress('score', 4, { write: (t) => lines.push(t), isTerminal: true, now: () => clock });
    clock = 1;
    bar.tick(2);
    expect(lines[0]).toMatch(/^\rscore \[#{12}\.{12}\] 2\/4 \(50%\)  2\.0 items\/s  1s left/);
  });
});
