// UCSD's frame-level ground truth is MATLAB source, not data: `UCSDped2.m` holds lines such as
//   TestVideoFile{end+1}.gt_frame = [61:180];
// one per test video in order (Ped1 has lists like `[5:90, 140:200]`). This parses exactly that subset of MATLAB:
// cell appends `{end+1}` or explicit `{n}` indices, `%` comments, `...` continuations, and vectors made of
// numbers, `a:b` and `a:step:b` ranges separated by commas, spaces or semicolons, with or without brackets.
import { DatasetError } from '../readers/dataset-error.ts';

/** Frame lists assigned to `<cell>{i}.<field>`, by 0-based entry index (entry i is test video i + 1). */
export interface MatlabFrameLists {
  /** 1-based frame numbers per entry; entries never assigned are undefined (sparse). */
  entries: Array<number[] | undefined>;
}

/** Expands one MATLAB vector literal body (`61:180`, `1 3 5:2:9`) into numbers. Throws DatasetError BAD_LABELS. */
export function parseMatlabVector(body: string, line: number): number[] {
  const values: number[] = [];
  const tokens = body.replace(/\s*:\s*/g, ':').split(/[\s,;]+/).filter((token) => token !== '');
  for (const token of tokens) {
    const parts = token.split(':');
    const numbers = parts.map(Number);
    if (parts.some((part) => part === '') || numbers.some((value) => !Number.isFinite(value)) || parts.length > 3) {
      throw new DatasetError('BAD_LABELS', `line ${line}: "${token}" is not a number or a range`);
    }
    if (numbers.length === 1) {
      values.push(numbers[0]!);
      continue;
    }
    const [start, step, end] = numbers.length === 2 ? [numbers[0]!, 1, numbers[1]!] : (numbers as [number, number, number]);
    if (step === 0) throw new DatasetError('BAD_LABELS', `line ${line}: range "${token}" has step 0`);
    for (let value = start; step > 0 ? value <= end : value >= end; value += step) values.push(value);
  }
  return values;
}

/** Parses `<cell>{end+1}.<field> = [...]` assignments (default `TestVideoFile` / `gt_frame`). */
export function parseMatlabFrameLists(text: string, cell = 'TestVideoFile', field = 'gt_frame'): MatlabFrameLists {
  // Drop comments (a `%` outside a string starts one; these files hold no strings) and join `...` continuations.
  const lines = text.split(/\r?\n/).map((line) => line.replace(/%.*$/, ''));
  const joined: Array<{ text: string; line: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    let current = lines[i]!;
    const line = i + 1;
    while (/\.\.\.\s*$/.test(current) && i + 1 < lines.length) current = current.replace(/\.\.\.\s*$/, ' ') + lines[++i]!;
    joined.push({ text: current, line });
  }
  const assignment = new RegExp(`${cell}\\s*\\{\\s*(end\\s*\\+\\s*1|\\d+)\\s*\\}\\s*\\.\\s*${field}\\s*=\\s*(\\[[^\\]]*\\]|[^;]*)`, 'g');
  const entries: Array<number[] | undefined> = [];
  for (const { text: statement, line } of joined) {
    for (const match of statement.matchAll(assignment)) {
      const index = match[1]!.startsWith('end') ? entries.length : Number(match[1]) - 1;
      if (index < 0) throw new DatasetError('BAD_LABELS', `line ${line}: index 0 is not a MATLAB index`);
      const body = match[2]!.replace(/^\[|\]$/g, '');
      entries[index] = parseMatlabVector(body, line);
    }
    const mentions = statement.includes(`.${field}`) || new RegExp(`\\.\\s*${field}\\b`).test(statement);
    if (mentions && !assignment.test(statement)) throw new DatasetError('BAD_LABELS', `line ${line}: cannot read "${statement.trim()}"`);
    assignment.lastIndex = 0;
  }
  return { entries };
}
