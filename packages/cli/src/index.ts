/**
 * Public API of @vadc/cli: run the `vadc` command in-process (used by tests and embedders). The experiment itself
 * (runExperiment, openDetector, scoreStream, runSweep, renderReport, ...) is @vadc/runtime's API.
 */
export { runCli } from './cli.ts';
export type { CommandIO } from './command.ts';
