// Options whose value is one of a list (--backend, --mode): the check and its usage error, with a did-you-mean.
import { closestMatch } from '@vadc/dsl';
import { UsageError } from './command.ts';

/** What --backend takes (the runtime.backend values of recipes). */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** `value` when it is one of `allowed`, `fallback` when the option was not given; a usage error naming the choices otherwise. */
export function optionChoice<T extends string, F extends T | null>(name: string, value: unknown, allowed: readonly T[], fallback: F): T | F {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const match = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${String(value)}"${match === undefined ? '' : ` (did you mean ${match}?)`}`);
}
