import { describe, expect, it } from 'vitest';
import { parseRecipeText } from './parse-yaml.ts';
import { valueOfNode } from './recipe-node.ts';

describe('parseRecipeText', () => {
  it('keeps the position of every value and key', () => {
    const parsed = parseRecipeText('model:\n  patch: 8\n  encoder: { dim: 64 }\n', 'a.yaml');
    expect(parsed.diagnostics).toEqual([]);
    const tree = parsed.tree!;
    expect(valueOfNode(tree)).toEqual({ model: { patch: 8, encoder: { dim: 64 } } });
    const model = tree.kind === 'map' ? tree.entries.get('model') : undefined;
    const patch = model?.kind === 'map' ? model.entries.get('patch') : undefined;
    expect(patch?.origin).toEqual({ file: 'a.yaml', line: 2, column: 10 });
    expect(patch?.keyOrigin).toEqual({ file: 'a.yaml', line: 2, column: 3 });
    const encoder = model?.kind === 'map' ? model.entries.get('encoder') : undefined;
    const dim = encoder?.kind === 'map' ? encoder.entries.get('dim') : undefined;
    expect(dim?.origin).toEqual({ file: 'a.yaml', line: 3, column: 19 });
  });

  it('reports a YAML syntax error with its line and column', () => {
    const parsed = parseRecipeText('model:\n  patch: 8\n  size: [64, 96]]\n', 'a.yaml');
    expect(parsed.tree).toBeUndefined();
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX', file: 'a.yaml', line: 3, column: 17, severity: 'error', key: 'model.size' });
    const tab = parseRecipeText('model:\n  patch: 8\n\tdim: 3\n', 'a.yaml');
    expect(tab.diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX', line: 3, column: 1 });
  });

  it('reports a duplicate key at the second occurrence, with its dotted key', () => {
    const parsed = parseRecipeText('model:\n  patch: 8\n  patch: 16\n', 'a.yaml');
    expect(parsed.diagnostics).toHaveLength(1);
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'DUPLICATE_KEY', line: 3, column: 3, key: 'model.patch' });
  });

  it('refuses custom tags but accepts the core ones', () => {
    const custom = parseRecipeText('name: !python/object x\n', 'a.yaml');
    expect(custom.diagnostics[0]).toMatchObject({ code: 'TAG_NOT_ALLOWED', line: 1 });
    const core = parseRecipeText('name: !!str 12\n', 'a.yaml');
    expect(core.diagnostics).toEqual([]);
    expect(valueOfNode(core.tree!)).toEqual({ name: '12' });
  });

  it('reads YAML 1.2: `yes` stays a string, an empty file is an empty map', () => {
    expect(valueOfNode(parseRecipeText('a: yes\n', 'a.yaml').tree!)).toEqual({ a: 'yes' });
    expect(valueOfNode(parseRecipeText('# only a comment\n', 'a.yaml').tree!)).toEqual({});
  });

  it('refuses several documents in one file', () => {
    expect(parseRecipeText('a: 1\n---\nb: 2\n', 'a.yaml').diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX' });
  });
});
