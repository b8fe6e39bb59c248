// The lease of a run that a queue job works on, kept in the queue's Redis (run/run-lease.ts gives the rules): one
// key per run folder, holding the owner's token and description, with Redis's own expiry (PX). Redis alone decides
// when a lease has expired, so the clocks of the machines never matter. Renewal is a script: extend when the key
// is ours, take it again when it expired and nobody took it, answer "lost" when another holder has it. Commands
// fail fast while Redis is away (no offline queue, a deadline per command): a holder that cannot renew for a whole
// lease stops writing (confirmHeld), and nobody can take the lease until Redis is back.
import { RedisConnection, type ConnectionOptions } from 'bullmq';
import { type LeaseHolder, type LeaseStore } from '@vadc/runtime';
import { parseQueueUrl } from './connection.ts';

/** The commands a lease uses, of the ioredis client BullMQ opens. */
interface Client {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<string | null>;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  eval(script: string, keys: number, ...args: Array<string | number>): Promise<unknown>;
}

const RENEW = `
local value = redis.call('GET', KEYS[1])
if value == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if value == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** Redis keys of run leases: `vadc:lease:<run folder as the coordinator named it>`. */
export const LEASE_KEY_PREFIX = 'vadc:lease:';

/** Lease stores on the Redis at `url`, one connection per thread. */
export function redisLeases(url: string): { storeFor(runKey: string): LeaseStore; close(): Promise<void> } {
  let connection: RedisConnection | null = null;
  let client: Promise<Client> | null = null;
  const open = (): Promise<Client> => {
    if (client === null) {
      const options = { ...parseQueueUrl(url).connection, enableOfflineQueue: false } as ConnectionOptions;
      connection = new RedisConnection(options, { shared: false, skipVersionCheck: true });
      connection.on('error', () => undefined); // unreachable Redis: each command fails and is retried by the lease
      client = connection.client as unknown as Promise<Client>;
      client.catch(() => {
        client = null;
      });
    }
    return client;
  };
  const command = async <T>(ms: number, run: (redis: Client) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no answer from Redis in ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([open().then(run), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
  const valueOf = (owner: LeaseHolder) => JSON.stringify(owner);
  return {
    storeFor(runKey) {
      const key = `${LEASE_KEY_PREFIX}${runKey}`;
      const { connection, display } = parseQueueUrl(url);
      const options = connection as { host: string; port: number; db: number; username?: string; password?: string; tls?: unknown };
      return {
        where: `the lease ${key} on ${display}`,
        renewer: {
          kind: 'redis', key, host: options.host, port: options.port, db: options.db, tls: options.tls !== undefined,
          username: options.username ?? null, password: options.password ?? null,
        },
        async take(owner, ms) {
          const deadline = Math.max(200, Math.floor(ms / 3));
          const set = await command(deadline, (redis) => redis.set(key, valueOf(owner), 'PX', ms, 'NX'));
          if (set === 'OK') return { taken: true };
          const [value, left] = await command(deadline, (redis) => Promise.all([redis.get(key), redis.pttl(key)]));
          if (value === valueOf(owner)) return (await this.renew(owner, ms)) ? { taken: true } : this.take(owner, ms);
          if (value === null) return this.take(owner, ms); // expired between the two commands
          let current: LeaseHolder | null = null;
          try {
            current = JSON.parse(value) as LeaseHolder;
          } catch {
            // written by something else: shown as unreadable, taken when it expires
          }
          return { taken: false, current, expiresInMs: left > 0 ? left : ms };
        },
        async renew(owner, ms) {
          return (await command(Math.max(200, Math.floor(ms / 3)), (redis) => redis.eval(RENEW, 1, key, valueOf(owner), ms))) === 1;
        },
        async release(owner) {
          await command(2000, (redis) => redis.eval(RELEASE, 1, key, valueOf(owner)));
        },
      };
    },
    async close() {
      await connection?.close();
    },
  };
}
