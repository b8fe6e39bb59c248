// Test support for the queue's end-to-end tests: a real redis-server on a free 127.0.0.1 port in a temporary folder
// (removed afterwards, persistence files included), and real processes of the built CLI (workers, coordinators).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI (`npm run build` first); the tests run it as a user does. */
export const CLI = resolve(import.meta.dirname, '../../dist/main.js');

/** Why the queue tests cannot run here, or null when redis-server is installed. */
export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? null
    : 'redis-server is not installed: the queue tests need a real Redis (Debian: apt-get install -y redis-server; .ci/run installs it)';
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** A redis-server of a test. */
export interface TestRedis {
  url: string;
  /** Stops Redis (SIGTERM: an append-only file is flushed) and starts it again on the same port and folder. */
  restart(downMs: number): Promise<void>;
  /** Stops Redis and removes its folder. */
  close(): Promise<void>;
}

/**
 * Starts redis-server on a free port; `persistent` keeps the data across a restart (append-only file, fsync always);
 * `extra` adds server options (`--requirepass x`, `--maxmemory 2mb`).
 */
export async function startRedis(persistent: boolean, extra: string[] = []): Promise<TestRedis> {
  const missing = redisMissing();
  if (missing !== null) throw new Error(missing);
  const dir = await mkdtemp(join(tmpdir(), 'vadc-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no',
    '--appendonly', persistent ? 'yes' : 'no', '--appendfsync', 'always', ...extra];
  let server: ChildProcess = await launch(args);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs) {
      await stop(server);
      await new Promise((done) => setTimeout(done, downMs));
      server = await launch(args);
    },
    async close() {
      await stop(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[]): Promise<ChildProcess> {
  const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((done, fail) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) done();
    });
    server.once('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${log}`)));
  });
  return server;
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((done) => server.once('exit', done));
  server.kill('SIGTERM');
  await exited;
}

/** A process of the built CLI, with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (the signal's name when killed). */
  exited: Promise<number | string>;
  /** Resolves when stderr contains `text` (rejects after `ms`). */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
}

/** Starts `node dist/main.js ...args` in `cwd`. */
export function startCli(args: string[], cwd: string): CliProcess {
  return startProcess(process.execPath, [CLI, ...args], cwd);
}

/** Starts any command in `cwd` with its output collected (stdin a pipe, closed by the caller or at exit). */
export function startProcess(command: string, args: string[], cwd: string): CliProcess {
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
  return {
    child, exited, stdout: () => out, stderr: () => err,
    waitFor: (text, ms = 60_000) => until(() => (typeof text === 'string' ? err.includes(text) : text.test(err)), ms, `stderr to show ${String(text)}; it has:\n${err}`),
  };
}

/** Runs the built CLI to its end. */
export async function runCliProcess(args: string[], cwd: string): Promise<{ status: number | string; stdout: string; stderr: string }> {
  const cli = startCli(args, cwd);
  const status = await cli.exited;
  return { status, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Polls `condition` every 50 ms; rejects with `what` after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Starts a worker of the built CLI and waits until it listens. */
export async function startWorker(url: string, cwd: string, extra: string[] = []): Promise<CliProcess> {
  const worker = startCli(['worker', '--queue', url, ...extra], cwd);
  await worker.waitFor('waiting for jobs', 30_000);
  return worker;
}

/** Stops a worker gracefully (SIGTERM) and waits for it. */
export async function stopWorker(worker: CliProcess): Promise<number | string> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exited;
}
