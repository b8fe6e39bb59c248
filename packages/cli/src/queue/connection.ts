// Where the queue lives: a `redis://[user:password@]host:port[/db]` (or `rediss://`, TLS) address turned into the
// connection options BullMQ passes to ioredis. Every client retries forever while Redis is away (a restart makes a
// sweep wait, not fail), after one check at the start that fails fast on what retrying cannot mend (no such host,
// nothing listening, a refused password, a full Redis); the address printed in logs never shows the password.
import { Queue, type ConnectionOptions } from 'bullmq';
import { UsageError } from '../command.ts';

/** The BullMQ queue every vadc job goes through (one per Redis database). */
export const QUEUE_NAME = 'vadc';

/** A parsed queue address. */
export interface QueueAddress {
  connection: ConnectionOptions;
  /** The address without its password, for logs. */
  display: string;
}

/** The environment variable holding the Redis password when --queue names none (a Kubernetes Secret, not argv). */
export const PASSWORD_VARIABLE = 'VADC_QUEUE_PASSWORD';

/**
 * Parses `--queue`; a usage error names what was expected and found. A password in the address wins over
 * $VADC_QUEUE_PASSWORD, which keeps it out of the process list and the pod spec.
 */
export function parseQueueUrl(text: string, env: Record<string, string | undefined> = {}): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--queue must be redis://[user:password@]host:port[/db] or rediss://..., not "${text}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`--queue must start with redis:// or rediss://, not "${url.protocol}//"`);
  if (url.hostname === '') throw new UsageError(`--queue "${text}" names no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue database must be a whole number (the path after the port), not "${dbText}"`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const connection: ConnectionOptions = {
    host, port, db,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : env[PASSWORD_VARIABLE] ? { password: env[PASSWORD_VARIABLE] } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
    // Workers block on Redis; every command waits for a reconnection instead of failing (BullMQ requires null).
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
  const user = url.username !== '' || url.password !== '' ? `${url.username}${url.password !== '' ? ':***' : ''}@` : '';
  return { connection, display: `${url.protocol}//${user}${url.host}/${db}` };
}

/** Redis cannot take the work: unreachable, an unknown host, a refused password, or full. Exit 2, the cause named. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

/** Seconds a coordinator waits for Redis to answer before it gives up. */
const CONNECT_TIMEOUT_MS = 5000;

/** Whether a Redis error is a refused password (a wrong one, or none where one is required): retrying cannot help. */
export function isAuthError(error: unknown): boolean {
  return error instanceof Error && /^(WRONGPASS|NOAUTH)\b/.test(error.message);
}

/**
 * Whether a Redis error is maxmemory reached under the noeviction policy BullMQ requires; in a transaction (adding a
 * flow) the OOM comes as EXECABORT, with the refused commands' errors in ioredis' `previousErrors`.
 */
export function isFullError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return /^OOM\b/.test(error.message) || (/^EXECABORT\b/.test(error.message) && Array.isArray(previous) && previous.some(isFullError));
}

/** A queue error in words, with its cause and what to do; null when it is not one of the known causes. */
export function describeQueueError(error: unknown, address: QueueAddress): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  const { host, port } = address.connection as { host: string; port: number };
  if (isAuthError(error)) return `Redis at ${address.display} refused the password (${error.message.split('.')[0]}): check the user and password in --queue`;
  if (isFullError(error)) return `Redis at ${address.display} is full (maxmemory reached, policy noeviction): it refused new jobs; free memory (vadc queue cancel, older jobs) or raise maxmemory`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `no host named "${host}" (${code}): check the host in --queue ${address.display}`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${host}:${port} (connection refused): is redis-server running there?`;
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(error.message)) return `Redis at ${address.display} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s (a firewall, or the wrong port?)`;
  if (/Connection is closed/.test(error.message)) return `the connection to Redis at ${address.display} closed (is it a Redis server? TLS needs rediss://)`;
  return null;
}

/** The error a coordinator reports for a failed queue operation: the cause named (exit 2), or the error itself. */
export function queueFailure(error: unknown, address: QueueAddress): unknown {
  const described = describeQueueError(error, address);
  return described === null ? error : new QueueUnavailableError(described);
}

/** What Redis said about itself: its memory and how many workers listen. */
export interface QueueHealth {
  usedMemory: number;
  maxMemory: number;
  policy: string;
  workers: number | null;
}

/**
 * Connects once, without the retries every other client makes, and checks that Redis takes the password and has
 * room: a coordinator fails fast with the cause (QueueUnavailableError) instead of queueing into the void. With
 * `waitForServer` (a worker), an unreachable server is waited for (`onWait` says so once) while a refused password
 * or a full Redis still fails.
 */
export async function checkQueue(address: QueueAddress, options: { waitForServer?: boolean; onWait?: (cause: string) => void } = {}): Promise<QueueHealth> {
  for (let attempt = 0; ; attempt++) {
    const probe = new Queue(QUEUE_NAME, {
      connection: { ...address.connection, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: CONNECT_TIMEOUT_MS } as ConnectionOptions,
    });
    probe.on('error', () => undefined); // the awaited command below reports the same error
    try {
      const info = await (await redisOf(probe)).info('memory');
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
      const health: QueueHealth = {
        usedMemory: Number(field('used_memory')), maxMemory: Number(field('maxmemory')), policy: field('maxmemory_policy'),
        workers: await probe.getWorkersCount().catch(() => null), // CLIENT LIST may be disabled on managed Redis
      };
      if (health.maxMemory > 0 && health.usedMemory >= health.maxMemory) {
        throw new QueueUnavailableError(`Redis at ${address.display} is full: ${health.usedMemory} of maxmemory ${health.maxMemory} bytes used (policy ${health.policy}); free memory (vadc queue cancel, older jobs) or raise maxmemory`);
      }
      return health;
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      const described = describeQueueError(error, address);
      if (described === null) throw error;
      if (!options.waitForServer || isAuthError(error) || isFullError(error)) throw new QueueUnavailableError(described);
      if (attempt === 0) options.onWait?.(described);
      await new Promise((done) => setTimeout(done, 2000));
    } finally {
      await probe.close().catch(() => undefined);
    }
  }
}

/** The few plain Redis commands vadc uses beside BullMQ's (its client type names only BullMQ's own). */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ...options: Array<string | number>): Promise<unknown>;
  zadd(key: string, score: number, member: string): Promise<unknown>;
  zrevrange(key: string, start: number, stop: number): Promise<string[]>;
  zrem(key: string, member: string): Promise<unknown>;
  info(section: string): Promise<string>;
  ping(): Promise<string>;
}

/** The ioredis client of a BullMQ queue, for plain commands. */
export async function redisOf(queue: Queue): Promise<RedisCommands> {
  return (await queue.client) as unknown as RedisCommands;
}
