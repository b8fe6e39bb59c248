// The one boundary of the CLI: parse the command line, run a command, turn errors into one stderr line and a status.
import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE, UsageError, type CommandIO } from './command.ts';
import { commands } from './commands/index.ts';
import { exitStatusOf } from './exit-status.ts';

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return ['Usage: vadc <command> [options]', '', 'Commands:', ...lines, '', 'Run `vadc <command> --help` for its options.', ''].join('\n');
}

/** Runs `vadc` with the given arguments (without node and the script) and returns the exit status. */
export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`vadc: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')})\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return await command.run(parsed, io);
  } catch (error) {
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`vadc ${name}: ${message}\n`);
    if (isUsage) {
      io.stderr(`usage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (io.env.VADC_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return exitStatusOf(error);
  }
}
