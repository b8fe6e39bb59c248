// The one writer of run.json. A run's life is a small state machine, and every state change goes through
// `moveRun`, which refuses a change the table does not allow (an internal bug, exit 3):
//
//   created --> training --> trained --> scoring --> finished --> scoring (vadc eval again)
//                  |            |           |
//                  +------------+-----------+--> interrupted (Ctrl-C, SIGTERM) / failed (an error)
//   interrupted, failed --> training (--resume; a run whose training finished goes to scoring instead)
//   training --> training (a lease taken over from a holder that died mid-training)
//
// `trained` is also a timestamp field: a run that failed or was interrupted while scoring keeps saying that its
// training finished, so `vadc eval` and `--resume` know it. A process killed with -9 leaves its state as it was
// (training, scoring); its lease expires, and the next holder moves it on.
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { CheckFailedError } from '../run-io.ts';
import { replaceSymlink, writeJsonAtomic } from './files.ts';
import type { RunFolder, RunRecord, RunStatus } from './run-folder.ts';

/** The state changes a run may make. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  created: ['training', 'failed', 'interrupted'],
  training: ['training', 'trained', 'failed', 'interrupted'],
  trained: ['scoring', 'training', 'failed', 'interrupted'],
  scoring: ['scoring', 'finished', 'failed', 'interrupted'],
  finished: ['scoring'],
  interrupted: ['training', 'scoring'],
  failed: ['training', 'scoring'],
};

/** Whether the run's training ran to its end (its checkpoint is the trained model). */
export function trainingFinished(record: RunRecord): boolean {
  return record.trained != null;
}

/** Moves the run to `to` and rewrites run.json; `error` is recorded for failed and interrupted runs. */
export async function moveRun(run: RunFolder, to: RunStatus, error: string | null = null): Promise<void> {
  const from = run.record.status;
  if (!RUN_TRANSITIONS[from].includes(to)) throw new Error(`${run.directory}: a run cannot go from ${from} to ${to}`);
  run.record.status = to;
  run.record.error = to === 'failed' || to === 'interrupted' ? error : null;
  if (to === 'trained') run.record.trained = new Date().toISOString();
  if (to === 'training') run.record.trained = null;
  await saveRunRecord(run);
}

/** Rewrites run.json after a change that keeps the state (timings, backend, selection, fingerprint). */
export async function saveRunRecord(folder: RunFolder): Promise<void> {
  await folder.lease?.confirmHeld(); // a holder that lost the run never writes its record
  folder.record.updated = new Date().toISOString();
  await writeJsonAtomic(join(folder.directory, 'run.json'), folder.record);
}

/** Marks the run interrupted from a signal handler (synchronously, atomically). */
export function markInterruptedSync(run: RunFolder, signal: NodeJS.Signals): void {
  if (!RUN_TRANSITIONS[run.record.status].includes('interrupted')) return;
  run.record.status = 'interrupted';
  run.record.error = `stopped by ${signal}; resume with --resume`;
  run.record.updated = new Date().toISOString();
  const path = join(run.directory, 'run.json');
  writeFileSync(`${path}.signal.tmp`, `${JSON.stringify(run.record, null, 2)}\n`);
  renameSync(`${path}.signal.tmp`, path);
}

/**
 * `<outRoot>/<name>/<id>`, refused unless name and id are each one plain path component: a recipe name or run id
 * never leaves --out (`name: ../../x` is an error naming the path it would have written, not a sanitised name
 * that no command would find again).
 */
export function runFolderPath(outRoot: string, name: string, id: string): string {
  const directory = resolve(outRoot, name, id);
  for (const [what, part] of [['recipe name', name], ['run id', id]] as const) {
    if (part === '' || part === '.' || part === '..' || part.includes('/') || part.includes('\\') || part.includes('\0')) {
      throw new CheckFailedError(`${what} "${part}" is not one plain folder name: the run would be written at ${directory}, outside ${resolve(outRoot)}`);
    }
  }
  const inside = relative(resolve(outRoot), directory);
  if (inside.startsWith(`..${sep}`) || inside === '..') throw new CheckFailedError(`${directory} is outside ${resolve(outRoot)}`);
  return directory;
}

/**
 * Creates a new run folder (state `created`) and points `latest` at it. The folder itself is made exclusively
 * (never a recursive mkdir of the run's own folder), so two runs given the same id get `<id>` and `<id>-2`.
 */
export async function createRun(outRoot: string, record: Omit<RunRecord, 'created' | 'updated' | 'status' | 'timings' | 'error'>): Promise<RunFolder> {
  runFolderPath(outRoot, record.name, record.id);
  await mkdir(join(outRoot, record.name), { recursive: true });
  let id = record.id;
  for (let suffix = 2; !(await makeFolder(join(outRoot, record.name, id))); suffix++) {
    if (suffix > 1000) throw new Error(`run folders ${join(outRoot, record.name, record.id)}-2 .. -1000 all exist`);
    id = `${record.id}-${suffix}`;
  }
  const directory = join(outRoot, record.name, id);
  const now = new Date().toISOString();
  const folder: RunFolder = { directory, record: { ...record, id, created: now, updated: now, status: 'created', timings: {}, error: null } };
  await saveRunRecord(folder);
  await replaceSymlink(id, join(outRoot, record.name, 'latest'));
  return folder;
}

/** Makes `directory` (its parent exists); false when it exists already. */
async function makeFolder(directory: string): Promise<boolean> {
  try {
    await mkdir(directory);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
