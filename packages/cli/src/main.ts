#!/usr/bin/env node
// Entry point of the `vadc` binary.
import process from 'node:process';
import { runCli } from './cli.ts';

const status = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTerminal: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = status;
