// One writer per run folder, by lease: the holder takes a lease with a random owner token and an expiry, renews it
// every third of its duration while it works, and lets it expire when it stops in any way (kill -9, a lost machine,
// a restarted container). An expired lease can be taken over by anyone, a renewed one never. Ownership is the
// token, never a PID or a host name: a worker on another machine, or the same container restarted as PID 1, takes an
// expired lease over. Local runs keep the lease in the run folder (`run.lease`); runs of queue jobs keep it in Redis
// (queue/redis-lease.ts), whose clock alone decides expiry. Before every durable write (a checkpoint, run.json) the
// holder renews there and then (`confirmHeld`): a holder whose lease was taken over, or that could not reach its
// store for a whole lease, stops without writing. Renewal runs on a thread of its own (lease-renewer.ts), so a long
// synchronous training step never lets a live holder's lease expire. docs/run-ownership.md gives the rules.
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, rename, rm, open, link } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { removeOrphanTemporaries } from '../integrity/orphan-temporaries.ts';
import { CheckFailedError } from '../run-io.ts';
import { writeJsonAtomic } from './files.ts';
import { startRenewer } from './lease-renewer.ts';
import type { LeaseHolder, RenewerTarget } from './lease-types.ts';

/** The lease file's name inside a run folder (local runs). */
export const LEASE_FILE = 'run.lease';

/** Milliseconds a lease lasts without renewal: VADC_LEASE_MS, default 15 s. */
export function leaseDuration(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.VADC_LEASE_MS;
  if (text === undefined || text === '') return 15_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 200) throw new CheckFailedError(`VADC_LEASE_MS must be a whole number of milliseconds of at least 200, not "${text}"`);
  return ms;
}

export type { LeaseHolder };

/**
 * Where leases live. `take` succeeds when the lease is free, expired, or already ours; `renew` extends ours (or
 * takes it again when it expired and nobody took it) and answers false when someone else holds it.
 */
export interface LeaseStore {
  /** Names the lease in messages (the file, or the Redis key). */
  readonly where: string;
  /** Where the renewer thread renews it. */
  readonly renewer: RenewerTarget;
  take(owner: LeaseHolder, ms: number): Promise<{ taken: true } | { taken: false; current: LeaseHolder | null; expiresInMs: number }>;
  renew(owner: LeaseHolder, ms: number): Promise<boolean>;
  release(owner: LeaseHolder): Promise<void>;
  /** Frees the lease from a signal handler, where the store can (a file); otherwise it expires by itself. */
  releaseSync?(owner: LeaseHolder): void;
}

/** A run folder's lease store: the local file, or Redis for queue jobs. */
export type LeaseStoreFor = (runDirectory: string) => LeaseStore;

/** The holder lost its lease (not renewed in time, or taken over): it must stop writing the run folder. */
export class LeaseLostError extends CheckFailedError {
  override name = 'LeaseLostError';
}

/** What to do when another holder has the lease: refuse at once (a command), or wait until it is free (a queue job). */
export type LeaseWait = 'refuse' | 'wait';

/** A held lease. */
export interface RunLease {
  readonly where: string;
  /** Renews now; throws LeaseLostError when the lease was taken over, or could not be renewed for a whole lease. */
  confirmHeld(): Promise<void>;
  /** Stops renewing and frees the lease for the next holder. */
  release(): Promise<void>;
  /** Stops renewing and frees the lease synchronously where the store can (a signal handler). */
  releaseSync(): void;
}

const describeSelf = () => `${hostname()} process ${process.pid} since ${new Date().toISOString()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lease of `runDirectory` from `store`. When another holder has it: `refuse` waits only to see whether it
 * is renewed (refused, naming the holder) or expires (taken over, and `say` tells so); `wait` waits until it is free.
 */
export async function takeLease(store: LeaseStore, wait: LeaseWait, say: (line: string) => void, ms = leaseDuration()): Promise<RunLease> {
  const owner: LeaseHolder = { token: randomBytes(16).toString('hex'), holder: describeSelf() };
  let told = '';
  let seen: { token: string | null; expiresAt: number } | null = null;
  for (;;) {
    let attempt: Awaited<ReturnType<LeaseStore['take']>>;
    try {
      attempt = await store.take(owner, ms);
    } catch (error) {
      if (told !== 'unreachable') say(`vadc: ${store.where}: cannot reach the lease store (${error instanceof Error ? error.message : String(error)}); retrying`);
      told = 'unreachable';
      await sleep(Math.min(1000, ms / 3));
      continue;
    }
    if (attempt.taken) {
      if (seen !== null) say(`vadc: took over ${store.where} (the lease of ${told} expired)`);
      return heldLease(store, owner, ms);
    }
    const holder = attempt.current?.holder ?? 'an unreadable holder';
    const expiresAt = Date.now() + attempt.expiresInMs;
    // Renewed while we watched: its holder is alive. A command refuses; a queue job waits for it to end.
    if (wait === 'refuse' && seen !== null && seen.token === (attempt.current?.token ?? null) && expiresAt > seen.expiresAt + ms / 10) {
      throw new CheckFailedError(`${store.where}: the run is in use by ${holder}, which keeps renewing its lease; wait for it to end`);
    }
    if (told !== holder) say(`vadc: ${store.where} is held by ${holder}; waiting until it ends or its lease expires (${Math.ceil(attempt.expiresInMs / 1000)} s without renewal)`);
    told = holder;
    seen = { token: attempt.current?.token ?? null, expiresAt };
    await sleep(Math.max(50, Math.min(attempt.expiresInMs + 20, ms / 6)));
  }
}

function heldLease(store: LeaseStore, owner: LeaseHolder, ms: number): RunLease {
  const renewer = startRenewer(store.renewer, owner, ms);
  let confirmedAt = Date.now();
  let lost: string | null = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    renewer.stop();
  };
  return {
    where: store.where,
    async confirmHeld() {
      if (stopped) throw new LeaseLostError(`${store.where}: the lease was released`);
      // Asked of the store itself too: the holder learns at once when somebody else took the lease.
      const sent = Date.now();
      const ours = await store.renew(owner, ms).catch(() => null);
      if (ours === true) confirmedAt = sent;
      if (ours === false || renewer.lost()) lost ??= `${store.where} was taken over by another holder`;
      if (lost === null && Date.now() - Math.max(confirmedAt, renewer.renewedAt()) > ms) lost = `${store.where} could not be renewed for ${ms} ms (its store unreachable)`;
      if (lost !== null) throw new LeaseLostError(`lost the run's lease: ${lost}; stopped without writing`);
    },
    async release() {
      stop();
      await store.release(owner).catch(() => undefined); // unreachable: it expires by itself
    },
    releaseSync() {
      stop();
      try {
        store.releaseSync?.(owner);
      } catch {
        // it expires by itself
      }
    },
  };
}

/** The run folder's lease file: {token, holder, expires (ms since the epoch)}. */
interface LeaseFileContent extends LeaseHolder {
  expires: number;
}

async function readLeaseFile(path: string): Promise<LeaseFileContent | null | 'absent'> {
  try {
    const content = JSON.parse(await readFile(path, 'utf8')) as Partial<LeaseFileContent>;
    return typeof content.token === 'string' && typeof content.expires === 'number' ? { token: content.token, holder: String(content.holder), expires: content.expires } : null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : null;
  }
}

async function createExclusive(path: string, content: LeaseFileContent): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(`${JSON.stringify(content)}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The lease in the run folder (local runs). An expired lease is taken over by renaming that very file aside
 * (rename is atomic: of two takers one wins) and creating a new one exclusively. Expiry compares wall clocks, so
 * machines sharing a run folder need synchronised clocks; queue jobs use Redis instead.
 */
export function fileLeaseStore(runDirectory: string): LeaseStore {
  const path = join(runDirectory, LEASE_FILE);
  return {
    where: path,
    renewer: { kind: 'file', path },
    async take(owner, ms) {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await createExclusive(path, { ...owner, expires: Date.now() + ms })) return { taken: true };
        const current = await readLeaseFile(path);
        if (current === 'absent') continue;
        if (current !== null && current.token === owner.token) return { taken: true };
        if (current !== null && current.expires > Date.now()) return { taken: false, current, expiresInMs: current.expires - Date.now() };
        // Expired (or unreadable: a crash while it was written): move exactly that file aside.
        const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
        try {
          await rename(path, aside);
        } catch {
          continue;
        }
        const moved = await readLeaseFile(aside);
        const same = moved !== 'absent' && (moved === null ? current === null : current !== null && moved.token === current.token && moved.expires === current.expires);
        if (!same) await link(aside, path).catch(() => undefined); // a live lease taken in between: put it back
        await rm(aside, { force: true });
      }
      const current = await readLeaseFile(path);
      return { taken: false, current: typeof current === 'object' ? current : null, expiresInMs: ms };
    },
    async renew(owner, ms) {
      const current = await readLeaseFile(path);
      if (current === 'absent') return createExclusive(path, { ...owner, expires: Date.now() + ms });
      if (current === null || current.token !== owner.token) return false;
      await writeJsonAtomic(path, { ...owner, expires: Date.now() + ms });
      return true;
    },
    async release(owner) {
      const current = await readLeaseFile(path);
      if (current !== 'absent' && current !== null && current.token === owner.token) await rm(path, { force: true });
    },
    releaseSync(owner) {
      if ((JSON.parse(readFileSync(path, 'utf8')) as LeaseHolder).token === owner.token) unlinkSync(path);
    },
  };
}

/** Removes the temporaries of atomic writes left in a run folder by an earlier holder (call with the lease held). */
export async function removeRunTemporaries(directory: string): Promise<void> {
  // Holding the lease makes every temporary an orphan, whatever process id wrote it (a PID namespace reuses ids).
  await removeOrphanTemporaries(directory, { owned: true });
  await removeOrphanTemporaries(join(directory, 'checkpoints'), { owned: true });
}
