// Runs the BUILT `vadc` (packages/cli/dist/main.js) as a separate process, as a user runs it: tests of commands that
// must work from a fresh process (no backend, no module state left by another command) use it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The built CLI's entry point. */
export const BUILT_CLI = resolve(import.meta.dirname, '..', 'dist', 'main.js');

/** What a process of the built CLI printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/main.js ...args` in `cwd`; `input` is written to its stdin; `env`, when given, is the whole
 * environment besides PATH (e.g. to run without the VADC_* variables of the calling shell). Throws when the CLI is
 * not built.
 */
export function runBuiltCli(args: string[], cwd: string, input?: Uint8Array, env?: Record<string, string>): Promise<CliResult> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build first (npx pnpm run build)`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...(env === undefined ? process.env : { PATH: process.env.PATH ?? '', ...env }), NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? new Uint8Array(0));
  });
}

/** A file of the run folder `runs/<name>/latest` in `workspace`. */
export const latestRunFile = (workspace: string, name: string, ...path: string[]): string => join(workspace, 'runs', name, 'latest', ...path);
