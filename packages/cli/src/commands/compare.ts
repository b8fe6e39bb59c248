// `vadc compare <run>...`: metrics, speed and recipe differences of several runs side by side (runtime
// experiment/compare-runs.ts gathers them; this file prints them as a table or JSON).
import { METRIC_NAMES } from '@vadc/dsl';
import { compareRuns } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export const compareCommand: Command = {
  usage: 'vadc compare <run-folder>... [--json]',
  options: { json: { type: 'boolean' } },
  help: {
    description: 'Puts runs side by side: metrics, speed, whether they used the same recipe (experiment hash) and the same data (dataset fingerprint), and the recipe keys that differ.',
    options: { json: 'print the comparison as JSON on stdout' },
    examples: ['vadc compare runs/quickstart/*/', 'vadc compare runs/a/latest runs/b/latest --json'],
  },
  async run(args, io) {
    if (args.positionals.length < 1) throw new UsageError('give at least one run folder');
    const comparison = await compareRuns(args.positionals, io.cwd);
    const { runs: summary, differences, engines } = comparison;
    if (args.values.json) {
      io.stdout(`${JSON.stringify(comparison, null, 2)}\n`);
      return EXIT_OK;
    }
    const speed = (entry: (typeof summary)[number], key: string) => formatCell(entry.speed?.[key]);
    io.stdout(
      `${table(
        ['run', 'status', ...METRIC_NAMES, 'train fps', 'infer fps', 'backend'],
        summary.map((entry) => [
          entry.run,
          entry.status,
          ...METRIC_NAMES.map((name) => formatCell(entry.metrics[name])),
          speed(entry, 'train_fps'),
          speed(entry, 'infer_fps'),
          entry.backend ?? '-',
        ]),
      )}\n`,
    );
    io.stdout(`\n${comparison.statement}\n`);
    if (engines !== null) io.stdout(`${engines}\n`);
    if (differences.length === 0) {
      io.stdout('\nThe runs have the same resolved recipe.\n');
    } else {
      io.stdout(`\nRecipe differences:\n${table(['key', ...summary.map((entry) => entry.run)], differences.map(({ key, values }) => [key, ...values.map(formatCell)]))}\n`);
    }
    return EXIT_OK;
  },
};
