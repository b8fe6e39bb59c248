import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './format-diagnostic.ts';
import type { Diagnostic } from './diagnostics.ts';

const diagnostic: Diagnostic = { code: 'UNKNOWN_KEY', severity: 'error', message: 'unknown key `hedas`', file: 'recipes/a.yaml', line: 3, column: 5, key: 'model.encoder.hedas', hint: 'did you mean `heads`?' };

describe('formatDiagnostic', () => {
  it('prints one line: file:line:column: key: message (hint)', () => {
    expect(formatDiagnostic(diagnostic)).toBe('recipes/a.yaml:3:5: model.encoder.hedas: unknown key `hedas` (did you mean `heads`?)');
  });
  it('adds a code frame with a caret under the column', () => {
    const text = 'model:\n  encoder:\n    hedas: 4\n';
    expect(formatDiagnostic(diagnostic, text).split('\n').slice(1)).toEqual(['  2 |   encoder:', '> 3 |     hedas: 4', '    |     ^']);
  });
  it('marks warnings', () => {
    expect(formatDiagnostic({ ...diagnostic, severity: 'warning', hint: undefined })).toBe('recipes/a.yaml:3:5: warning: model.encoder.hedas: unknown key `hedas`');
  });
});
