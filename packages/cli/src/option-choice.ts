// Options whose value is one of a list (--backend takes @vadc/dsl's BACKEND_NAMES, --mode): the check and its usage
// error, with a did-you-mean.
import { closestMatch } from '@vadc/dsl';
import { UsageError } from './command.ts';

/** `value` when it is one of `allowed`, `fallback` when the option was not given; a usage error naming the choices otherwise. */
export function optionChoice<T extends string, F extends T | null>(name: string, value: unknown, allowed: readonly T[], fallback: F): T | F {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const match = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${String(value)}"${match === undefined ? '' : ` (did you mean ${match}?)`}`);
}
