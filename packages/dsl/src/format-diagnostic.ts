// Human-readable diagnostics: one line `file:line:column: key: message (hint)`, optionally followed by a code frame
// of the source line with a caret under the column. Pure string work; the CLI decides where it goes.
import type { Diagnostic } from './diagnostics.ts';

/** One line per diagnostic, plus a code frame when the file's text is given. */
export function formatDiagnostic(diagnostic: Diagnostic, sourceText?: string): string {
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const key = diagnostic.key === '' ? '' : `${diagnostic.key}: `;
  const hint = diagnostic.hint === undefined ? '' : ` (${diagnostic.hint})`;
  const head = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${severity}${key}${diagnostic.message}${hint}`;
  return sourceText === undefined ? head : `${head}\n${codeFrame(sourceText, diagnostic.line, diagnostic.column)}`;
}

/** The line before and the line at `line` (1-based), numbered, with a caret under `column`. */
export function codeFrame(sourceText: string, line: number, column: number): string {
  const lines = sourceText.split(/\r?\n/);
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number += 1) {
    const marker = number === line ? '>' : ' ';
    out.push(`${marker} ${String(number).padStart(width)} | ${lines[number - 1] ?? ''}`);
  }
  if (line >= 1 && line <= lines.length) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  return out.join('\n');
}
