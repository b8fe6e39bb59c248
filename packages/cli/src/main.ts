#!/usr/bin/env node
// Entry point of the `vadc` binary.
import process from 'node:process';
import { runCli } from './cli.ts';

const status = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTerminal: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
// Exit explicitly: the threaded wasm backend's worker threads would otherwise keep the process alive.
process.stdout.write('', () => process.exit(status));
