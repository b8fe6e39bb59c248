// The `--queue` and `--attempts` options, shared by the commands that can hand their work to `vadc worker`s.
import { UsageError } from '../command.ts';

/** What `--queue` does, for `vadc sweep --help` and `vadc score --help`. */
export const QUEUE_OPTION_HELP = 'redis://[user:password@]host:port[/db] (or rediss:// for TLS): put the work on this BullMQ queue '
  + 'for `vadc worker`s and wait for it (progress on stderr); the workers must see the dataset and output folder at the same paths '
  + '(or use --path-map); the results are the same files as without --queue';

/** What `--attempts` does, for the commands that take --queue. */
export const ATTEMPTS_OPTION_HELP = 'with --queue: tries per job (default 1); a job that fails for a reason other than its own input '
  + '(a file not yet visible on shared storage, a lost connection) is retried after 2 s, then 4 s, 8 s, ...; a broken input fails at once';

/** Parses `--attempts` (default 1). */
export function attemptsOption(value: unknown): number {
  if (value === undefined) return 1;
  const attempts = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new UsageError(`--attempts must be a whole number from 1 to 100, not "${String(value)}"`);
  return attempts;
}
