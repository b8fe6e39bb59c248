/** Public API of @vadc/cli: run the `vadc` command in-process (used by tests and embedders). */
export { runCli } from './cli.ts';
export type { CommandIO } from './command.ts';
