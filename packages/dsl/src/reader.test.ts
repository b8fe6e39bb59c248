import { describe, expect, it } from 'vitest';
import { basenamePath, createMemoryReader, dirnamePath, isInsidePath, joinPath, normalizePath, relativePath } from './reader.ts';

describe('path helpers', () => {
  it('normalise, join and split POSIX paths', () => {
    expect(normalizePath('/a/./b//c/../d')).toBe('/a/b/d');
    expect(normalizePath('/../a')).toBe('/a');
    expect(joinPath('/p/recipes', '../base/x.yaml')).toBe('/p/base/x.yaml');
    expect(joinPath('/p/recipes', '/abs/x.yaml')).toBe('/abs/x.yaml');
    expect(dirnamePath('/p/recipes/a.yaml')).toBe('/p/recipes');
    expect(dirnamePath('/a')).toBe('/');
    expect(basenamePath('/p/recipes/a.yaml')).toBe('a.yaml');
  });
  it('tell whether a path lies inside a folder', () => {
    expect(isInsidePath('/p/recipes/a.yaml', '/p')).toBe(true);
    expect(isInsidePath('/pp/a.yaml', '/p')).toBe(false);
    expect(isInsidePath('/p/../etc/passwd', '/p')).toBe(false);
    expect(relativePath('/p', '/p/recipes/a.yaml')).toBe('recipes/a.yaml');
    expect(relativePath('/p', '/q/a.yaml')).toBe('/q/a.yaml');
  });
  it('an in-memory reader reads files and knows folders', async () => {
    const reader = createMemoryReader({ '/p/recipes/a.yaml': 'a: 1' });
    expect(await reader.readFile('/p/recipes/./a.yaml')).toBe('a: 1');
    expect(await reader.exists('/p/recipes')).toBe(true);
    expect(await reader.exists('/p/other')).toBe(false);
    await expect(reader.readFile('/p/b.yaml')).rejects.toThrow(/no such file/);
  });
});
