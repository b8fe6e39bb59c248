import { describe, it, expect } from 'vitest';
import { parseMatlabFrameLists, parseMatlabVector } from './matlab-text.ts';

describe('MATLAB frame lists', () => {
  it('reads the UCSD Ped2 form', () => {
    const text = 'TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [61:180];\nTestVideoFile{end+1}.gt_frame = [95:180];\n';
    const { entries } = parseMatlabFrameLists(text);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveLength(120);
    expect(entries[0]![0]).toBe(61);
    expect(entries[1]![85]).toBe(180);
  });

  it('reads lists, steps, comments, continuations, explicit indices and CRLF', () => {
    const text = [
      '% frame GT',
      'TestVideoFile{end+1}.gt_frame = [1:3, 7 9];   % two parts',
      'TestVideoFile{ end + 1 }.gt_frame = [2:2:8 ...',
      '  , 20];',
      'TestVideoFile{5}.gt_frame = 4;',
    ].join('\r\n');
    const { entries } = parseMatlabFrameLists(text);
    expect(entries[0]).toEqual([1, 2, 3, 7, 9]);
    expect(entries[1]).toEqual([2, 4, 6, 8, 20]);
    expect(entries[2]).toBeUndefined();
    expect(entries[4]).toEqual([4]);
  });

  it('handles spaces around colons and descending ranges', () => {
    expect(parseMatlabVector('5 : 7; 3:-1:1', 1)).toEqual([5, 6, 7, 3, 2, 1]);
  });

  it('reports the line of an unreadable entry', () => {
    const text = 'TestVideoFile{end+1}.gt_frame = [1:3];\nTestVideoFile{end+1}.gt_frame = [a:b];\n';
    expect(() => parseMatlabFrameLists(text)).toThrow(expect.objectContaining({ code: 'BAD_LABELS', message: expect.stringContaining('line 2') }));
  });
});
