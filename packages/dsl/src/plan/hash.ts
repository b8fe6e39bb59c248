// The content hash of a Plan: SHA-256 (WebCrypto, in Node, Deno and browsers alike) of its canonical JSON, with
// object keys sorted at every level. Same meaning, same hash: key order, comments and how a recipe was split across
// `extends` never reach the Plan, so they never change the hash.
import type { Plan } from './types.ts';

/** JSON with object keys sorted at every level and no whitespace; lists keep their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The Plan as hashed: `runtime.train_engine` counts only when it is not the default `tfjs`, and
 * `scoring.calibration` only when it is set, so Plans (and run folders) from before the keys existed keep their hashes.
 */
function hashedPlan(plan: Plan): Record<string, unknown> {
  const { train_engine: engine, ...runtime } = plan.runtime;
  const { calibration, ...scoring } = plan.scoring;
  return { ...plan, scoring: calibration === undefined || calibration === null ? scoring : plan.scoring, runtime: engine === undefined || engine === 'tfjs' ? runtime : plan.runtime };
}

/** The Plan's content hash (64 hex digits). */
export function planHash(plan: Plan): Promise<string> {
  return sha256Hex(canonicalJson(hashedPlan(plan)));
}

/** Top-level sections that only affect scoring and evaluation, never the trained weights. */
export const SCORING_ONLY_SECTIONS = ['scoring', 'eval'] as const;

/** Whether a dotted key names a scoring-only value: runs differing only in those can share one trained model. */
export function isScoringOnlyKey(key: string): boolean {
  const head = key.split(/[.[]/)[0];
  return (SCORING_ONLY_SECTIONS as readonly string[]).includes(head ?? '');
}

/**
 * Hash of what determines the trained model: the hashed Plan without `name`, `scoring`, `eval`, `sweep` and
 * `runtime.workers` (gradient workers give the one-thread result bit for bit; a plan.json written before the key
 * existed hashes the same). Two Plans with the same training hash can share checkpoints.
 */
export function trainingHash(plan: Plan): Promise<string> {
  const { name: _name, scoring: _scoring, eval: _eval, sweep: _sweep, runtime, ...training } = hashedPlan(plan) as unknown as Plan;
  const { workers: _workers, ...execution } = runtime;
  return sha256Hex(canonicalJson({ ...training, runtime: execution }));
}
