// `vadc compare <run>...`: metrics, speed and recipe differences of several runs side by side.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { METRIC_NAMES } from '@vadc/dsl';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { metricValue, differingKeys, describeFingerprint, engineStatement, runEngines, readRun, sameRecipeAndData } from '@vadc/runtime';

/** The table's metric columns: the recipe's metric names (the one list, @vadc/dsl). */
const METRIC_COLUMNS = METRIC_NAMES;

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

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
    const runs = [];
    for (const path of args.positionals) {
      const directory = resolve(io.cwd, path);
      const run = await readRun(directory);
      if (!run) throw new UsageError(`${path} is not a run folder (no readable run.json)`);
      const metrics = (await readJson(join(directory, 'metrics.json'))) as Record<string, unknown> | null;
      const plan = await readJson(join(directory, 'plan.json'));
      runs.push({ path, run, metrics, plan });
    }
    const differences = differingKeys(runs.map((entry) => entry.plan));
    const summary = runs.map(({ path, run, metrics }) => ({
      run: path,
      status: run.record.status,
      hash: run.record.hash.slice(0, 12),
      dataset: describeFingerprint(run.record.datasetFingerprint),
      backend: run.record.backend,
      engine: runEngines(run.record, metrics),
      metrics: Object.fromEntries(METRIC_COLUMNS.map((name) => [name, metricValue(metrics, name)])),
      speed: (metrics?.speed as Record<string, unknown> | undefined) ?? null,
    }));
    const same = sameRecipeAndData(runs.map((entry) => entry.run.record));
    const engines = engineStatement(summary.map((entry) => ({ path: entry.run, engines: entry.engine })));
    if (args.values.json) {
      io.stdout(`${JSON.stringify({ runs: summary, differences, ...same, engines }, null, 2)}\n`);
      return EXIT_OK;
    }
    const speed = (entry: (typeof summary)[number], key: string) => formatCell(entry.speed?.[key]);
    io.stdout(
      `${table(
        ['run', 'status', ...METRIC_COLUMNS, 'train fps', 'infer fps', 'backend'],
        summary.map((entry) => [
          entry.run,
          entry.status,
          ...METRIC_COLUMNS.map((name) => formatCell(entry.metrics[name])),
          speed(entry, 'train_fps'),
          speed(entry, 'infer_fps'),
          entry.backend ?? '-',
        ]),
      )}\n`,
    );
    io.stdout(`\n${same.statement}\n`);
    if (engines !== null) io.stdout(`${engines}\n`);
    if (differences.length === 0) {
      io.stdout('\nThe runs have the same resolved recipe.\n');
    } else {
      io.stdout(`\nRecipe differences:\n${table(['key', ...runs.map((entry) => entry.path)], differences.map(({ key, values }) => [key, ...values.map(formatCell)]))}\n`);
    }
    return EXIT_OK;
  },
};
