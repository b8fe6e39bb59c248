// One process per run folder: `run.lock` holds the owner's PID, host and start time, created exclusively, so a
// `--resume` of a run that is still going is refused instead of rewriting its folder. A lock left by a process that
// died (kill -9, a crash) on this host is taken over with a message; a lock from another host is never guessed at.
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive, removeOrphanTemporaries } from '@vadc/runtime';
import { CheckFailedError } from '../exit-status.ts';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = 'run.lock';

/** What run.lock holds. */
export interface RunLockOwner {
  pid: number;
  host: string;
  started: string;
}

/** A held lock; release() removes it (also callable synchronously from a signal handler). */
export interface RunLock {
  release(): Promise<void>;
  releaseSync(): void;
}

async function createExclusive(path: string, owner: RunLockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(path: string): Promise<RunLockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<RunLockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host, started: String(owner.started) } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of run folder `directory` for this process. Throws CheckFailedError naming the owner when a live
 * process (or one on another host) holds it; a stale lock of a dead process on this host is taken over and `say`
 * tells so.
 */
export async function lockRun(directory: string, say: (line: string) => void): Promise<RunLock> {
  const path = join(directory, LOCK_FILE);
  const owner: RunLockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, owner)) return heldLock(path);
    const current = await readOwner(path);
    if (current !== null && (current.host !== owner.host || processAlive(current.pid))) {
      throw new CheckFailedError(`${directory} is in use by process ${current.pid} on ${current.host} (since ${current.started}); ` +
        `wait for it to end, or remove ${path} if that process is gone`);
    }
    say(current === null
      ? `vadc: ${path} is unreadable (a crash while it was written); taking the run over`
      : `vadc: process ${current.pid} that held ${path} is gone; taking the run over`);
    await rm(path, { force: true });
  }
  throw new CheckFailedError(`${path}: another process keeps taking this run folder`);
}

function heldLock(path: string): RunLock {
  const ours = () => {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as RunLockOwner).pid === process.pid;
    } catch {
      return false;
    }
  };
  return {
    release: async () => {
      if (ours()) await rm(path, { force: true });
    },
    releaseSync: () => {
      if (ours()) unlinkSync(path);
    },
  };
}

/** Removes temporaries of atomic writes that a killed process left in a run folder (call with the lock held). */
export async function removeRunTemporaries(directory: string): Promise<void> {
  await removeOrphanTemporaries(directory);
  await removeOrphanTemporaries(join(directory, 'checkpoints'));
}
