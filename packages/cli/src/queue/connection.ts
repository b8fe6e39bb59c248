// Where the queue lives: a `redis://[user:password@]host:port[/db]` (or `rediss://`, TLS) address turned into the
// connection options BullMQ passes to ioredis. Every client retries forever while Redis is away (a restart makes a
// sweep wait, not fail), and the address printed in logs never shows the password.
import type { ConnectionOptions } from 'bullmq';
import { UsageError } from '../command.ts';

/** The BullMQ queue every vadc job goes through (one per Redis database). */
export const QUEUE_NAME = 'vadc';

/** A parsed queue address. */
export interface QueueAddress {
  connection: ConnectionOptions;
  /** The address without its password, for logs. */
  display: string;
}

/** Parses `--queue`; a usage error names what was expected and found. */
export function parseQueueUrl(text: string): QueueAddress {
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
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
    // Workers block on Redis; every command waits for a reconnection instead of failing (BullMQ requires null).
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
  const user = url.username !== '' ? `${url.username}${url.password !== '' ? ':***' : ''}@` : '';
  return { connection, display: `${url.protocol}//${user}${url.host}/${db}` };
}
