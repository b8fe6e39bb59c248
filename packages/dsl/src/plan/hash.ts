// The content hash of a Plan: SHA-256 (WebCrypto, in Node, Deno and browsers alike) of its canonical JSON, with
// object keys sorted at every level. Same meaning, same hash: key order, comments and how a recipe was split across
// `extends` never reach the Plan, so they never change the hash.
import type { AnyKey } from './declare.ts';
import { recipeKeys } from './recipe-keys.ts';
import type { Plan, ValidationPlan } from './types.ts';

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
 * `value` (a Plan, or a part of one declared by `declared`) without the keys added later that still hold what plans
 * before them meant (`addedLater(..., { before })` in recipe-keys.ts), at any depth: one rule for every such key, so a
 * new key keeps old hashes by its declaration alone.
 */
function withoutKeysAsBefore(value: unknown, declared: AnyKey | undefined): unknown {
  if (declared === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return declared.item === undefined ? value : value.map((entry) => withoutKeysAsBefore(entry, declared.item));
  if (declared.fields === undefined) return value;
  const kept: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const field = declared.fields[name];
    if (field?.before !== undefined && (entry === undefined || canonicalJson(entry) === canonicalJson(field.before.value))) continue;
    kept[name] = withoutKeysAsBefore(entry, field);
  }
  return kept;
}

/**
 * The Plan's hashed content before machine-local keys are taken out: keys added later count only when they differ
 * from what plans before them meant (withoutKeysAsBefore), and `validation` only when a recipe has the section, so
 * recipes written before those keys existed keep their hashes. The engine is hashed as the recipe requests it
 * (never what `auto` resolved to on one machine; run.json records that): `tfjs` is left out (the first default),
 * `onnx` is hashed as `train_engine: onnx` (the key's first name) and `auto` as `engine: auto`, which keeps every
 * shipped recipe's hash. `runtime.spin_wait` (speed only) and `validation.tolerance` (it only marks ties in a
 * sweep's report) never count.
 */
function hashedPlan(plan: Plan): Record<string, unknown> {
  const asBefore = withoutKeysAsBefore(plan, recipeKeys) as Plan;
  const { engine, spin_wait: _spinWait, ...runtime } = asBefore.runtime;
  const requested = engine ?? 'tfjs';
  const { validation, ...rest } = asBefore;
  return {
    ...rest,
    ...(validation == null ? {} : { validation: hashedValidation(validation) }),
    runtime: requested === 'tfjs' ? runtime : requested === 'onnx' ? { ...runtime, train_engine: 'onnx' } : { ...runtime, engine: requested },
  };
}

/** A validation section as hashed: `tolerance` never (it only marks ties in a sweep's report; it changes no number). */
function hashedValidation({ tolerance: _tolerance, ...rest }: ValidationPlan): Record<string, unknown> {
  return rest;
}

/**
 * The version of the rule below; run.json records it, and a run folder whose hash another rule made is not a run
 * of the same recipe (rule 1, which counted every key, was retired before the first release).
 */
export const HASH_RULE = 2;

/**
 * Keys left out of the experiment hash (rule 2) because they say where or how fast, not what: the same experiment on
 * another machine must get the same hash. Paths (`data.root`, `data.cache_dir`, `data.splits.*`,
 * `synthetic_anomalies.options.folder`): what they hold is the dataset fingerprint's job, not the recipe's. The
 * recipe's `name` (a label). Execution: `runtime.backend`, `runtime.threads`, `runtime.workers`, `runtime.spin_wait` (worker results are
 * bit-identical to one thread) and `scoring.batch` (frames are scored independently). Everything else stays in:
 * model, data size and context, masking, losses, stages (including `micro_batch`, which changes summation order),
 * seeds, scoring, evaluation, sweep, and the requested `runtime.engine` (another engine draws other dropout masks;
 * `auto` is hashed as `auto`, and `vadc compare` says when two runs of one hash ran on different engines).
 */
export const MACHINE_LOCAL_KEYS = [
  'name', 'data.root', 'data.cache_dir', 'data.splits.train', 'data.splits.validation', 'data.splits.test',
  'synthetic_anomalies.options.folder', 'runtime.backend', 'runtime.threads', 'runtime.workers', 'runtime.spin_wait', 'scoring.batch',
] as const;

/** The Plan as hashed under rule 2: a deep copy without MACHINE_LOCAL_KEYS. */
export function experimentPlan(plan: Plan): Record<string, unknown> {
  const copy = structuredClone(hashedPlan(plan));
  for (const key of MACHINE_LOCAL_KEYS) {
    const path = key.split('.');
    let node: unknown = copy;
    for (const segment of path.slice(0, -1)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[path[path.length - 1]!];
  }
  return copy;
}

/** The experiment hash of a Plan (64 hex digits; rule 2): what decides the result, nothing machine-local. */
export function planHash(plan: Plan): Promise<string> {
  return sha256Hex(canonicalJson(experimentPlan(plan)));
}

/** Top-level sections that only affect scoring and evaluation, never the trained weights. */
export const SCORING_ONLY_SECTIONS = ['scoring', 'eval'] as const;

/** Whether a dotted key names a scoring-only value: runs differing only in those can share one trained model. */
export function isScoringOnlyKey(key: string): boolean {
  const head = key.split(/[.[]/)[0];
  return (SCORING_ONLY_SECTIONS as readonly string[]).includes(head ?? '') || (SCORING_ONLY_KEYS as readonly string[]).includes(key);
}

/** Keys outside those sections that only change how a trained model scores (int8 scoring reads the fp32 weights). */
export const SCORING_ONLY_KEYS = ['runtime.precision'] as const;

/**
 * Hash of what determines the trained model: the experiment Plan (rule 2) without `scoring`, `eval`, `sweep` and
 * SCORING_ONLY_KEYS.
 * Two Plans with the same training hash can share checkpoints. It is always recomputed from plan.json, never stored,
 * so changing its rule changes no stored value.
 */
export function trainingHash(plan: Plan): Promise<string> {
  const { scoring: _scoring, eval: _eval, sweep: _sweep, ...training } = experimentPlan(plan);
  const { precision: _precision, ...runtime } = training.runtime as Record<string, unknown>;
  return sha256Hex(canonicalJson({ ...training, runtime }));
}
