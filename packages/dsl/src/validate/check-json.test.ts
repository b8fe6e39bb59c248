import { describe, expect, it } from 'vitest';
import { checkJson, formatJsonPath } from './check-json.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { size: { type: 'integer', minimum: 1 } } } } },
};

describe('checkJson', () => {
  it('gives every problem as a path with what was expected and found', () => {
    expect(checkJson(schema, { items: [{ size: 0 }, { size: 'big', colour: 1 }] })).toEqual([
      { path: ['items', 0, 'size'], expected: 'a number >= 1', found: '0' },
      { path: ['items', 1, 'colour'], expected: 'one of the keys size', found: 'an unknown key' },
      { path: ['items', 1, 'size'], expected: 'integer', found: '"big"' },
    ]);
    expect(checkJson(schema, {})).toEqual([{ path: ['items'], expected: 'a value', found: 'nothing' }]);
    expect(checkJson(schema, { items: [] })).toEqual([]);
  });

  it('writes paths the way users write them in JavaScript', () => {
    expect(formatJsonPath(['videos', 0, 'gt_regions', '12', 3])).toBe('videos[0].gt_regions["12"][3]');
    expect(formatJsonPath([])).toBe('input');
  });
});
