// The one boundary of the CLI: parse the command line, run a command, turn errors into one stderr line and a status.
import { parseArgs } from 'node:util';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, type CommandIO } from './command.ts';
import { commands } from './commands/index.ts';
import { cliVersion, commandHelp, overviewHelp, suggestCommand, unknownFlag } from './help.ts';

/** Runs `vadc` with the given arguments (without node and the script) and returns the exit status. */
export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout(`vadc ${cliVersion()}\n`);
    return EXIT_OK;
  }
  if (name === 'help' && rest[0] !== undefined) return runCli([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, the overview is the result (stdout); as the answer to a bare `vadc` it is a usage error (stderr).
    (name === undefined ? io.stderr : io.stdout)(overviewHelp(commands));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    io.stderr(`vadc: unknown command "${name}"${await suggestCommand(name, commands)}; commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return EXIT_OK;
  }
  try {
    const unknown = await unknownFlag(rest, command);
    if (unknown !== undefined) throw new UsageError(unknown);
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return await command.run(parsed, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`vadc ${name}: ${message}\n`);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`usage: ${command.usage} (vadc ${name} --help explains every option)\n`);
      return EXIT_USAGE;
    }
    // Loaded here, not at the top: exit-status.ts knows the engines' error classes (it imports @vadc/runtime).
    const { exitStatusOf } = await import('./exit-status.ts');
    const status = exitStatusOf(error);
    if (status !== EXIT_INTERNAL) return status;
    // Anything else is vadc's fault, not the user's: its own status, and the stack on request.
    if (io.env.VADC_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr('vadc: internal error (exit 3); rerun with VADC_DEBUG=1 for the stack, and report it\n');
    return EXIT_INTERNAL;
  }
}
