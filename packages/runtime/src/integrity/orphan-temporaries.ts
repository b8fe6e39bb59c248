// Temporary files of atomic writes (`<name>.<pid>.<time>.tmp`, `<name>.tmp-<pid>`) that a killed process left
// behind. Nothing ever renames them once their writer is gone, so the next start removes those whose writer process
// no longer exists; a live writer's temporaries (another run sharing the cache) are left alone.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const TEMPORARY = /\.(\d+)\.\d+\.tmp$|\.tmp-(\d+)$|\.(\d+)\.tmp$/;

/** Whether a process with this id exists on this machine (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the orphan temporary files directly inside `directory`; returns the names removed (none if it is absent).
 * `owned`: the caller owns the folder (holds its lease), so every temporary is an orphan whatever process id wrote
 * it (a process id says nothing across machines or PID namespaces).
 */
export async function removeOrphanTemporaries(directory: string, { owned = false }: { owned?: boolean } = {}): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    const pid = Number(match?.[1] ?? match?.[2] ?? match?.[3]);
    if (match === null || !Number.isInteger(pid) || (!owned && processAlive(pid))) continue;
    await rm(join(directory, name), { force: true });
    removed.push(name);
  }
  return removed;
}
