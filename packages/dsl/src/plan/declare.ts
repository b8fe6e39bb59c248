// A small typed builder for recipe keys: each key is declared ONCE (recipe-keys.ts) with its type, range or values,
// default, description and where the default comes from, and everything else is read off that declaration:
// - the TypeScript type of the Plan (`TypeOf<typeof key>`);
// - the JSON Schema in two modes: 'plan' (what a resolved Plan must be, every key required; ajv validates Plans with
//   it) and 'recipe' (what one file may hold: everything optional, the short forms, recipe-only keys; each key with
//   its description and, for single values, its default; printed by `vadc schema`);
// - the defaults that resolution lays under a recipe (`defaultOf`).
// Every object schema has `additionalProperties: false`: an unknown key is always an error.
import type { JsonSchema } from './json-schema.ts';

/** 'plan': a resolved Plan; 'recipe': one recipe file as a user writes it. */
export type Mode = 'plan' | 'recipe';

/** Whether a key is part of the Plan ('plan'), may be absent from older Plans ('optional'), or exists only in recipe files. */
export type Presence = 'plan' | 'optional' | 'recipe-only';

/** A default: one value, or one per variant of the section that holds the key (a stage's kind). */
export type Default<T> = { value: T } | { byVariant: Readonly<Record<string, T>> };

/** A declared key: `T` is its type in a Plan. */
export interface Key<T, P extends Presence = 'plan'> {
  /** Never set: they carry the key's type and presence. */
  readonly planType?: T;
  readonly presence?: P;
  /** What the key means (one or two sentences, shown by editors). */
  readonly doc: string;
  /** Where the default comes from: the official code (ristea/aed-mae) or "vadc" for knobs of our own. */
  readonly source: string | undefined;
  readonly default: Default<T> | undefined;
  /** A section's keys, in the order Plans list them. */
  readonly fields: Readonly<Record<string, AnyKey>> | undefined;
  /** The key of a list's items. */
  readonly item: AnyKey | undefined;
  /** The kinds of a tagged object (which a recipe may also write in short forms). */
  readonly kinds: readonly string[] | undefined;
  /** Variants whose defaults differ (a stage's kinds): keys inside may have a default per variant. */
  readonly variants: readonly string[] | undefined;
  readonly recipeOnly: boolean;
  /** Null or the inner key's values; without a declared default, resolution decides which (data.synthetic). */
  readonly nullable: boolean;
  /**
   * A key added after plans were hashed: the value plans written before it meant. The experiment hash leaves the key
   * out while it holds that value (plan/hash.ts), so those plans keep their hashes.
   */
  readonly before?: { readonly value: unknown };
  /** The bare schema (no description or default); `child` builds the schema of a nested key. */
  schema(mode: Mode, child: (key: AnyKey) => JsonSchema): JsonSchema;
}

/** A key of any type. */
export type AnyKey = Key<unknown, Presence>;

/** The type of a key in a Plan. */
export type TypeOf<K> = K extends Key<infer T, Presence> ? T : never;

type Simplify<T> = { [N in keyof T]: T[N] } & {};
type Fields = Record<string, AnyKey>;
/** The Plan type of a section: recipe-only keys left out, `optional` ones optional. */
export type SectionOf<F extends Fields> = Simplify<
  { -readonly [N in keyof F as F[N] extends Key<unknown, 'plan'> ? N : never]: TypeOf<F[N]> } &
  { -readonly [N in keyof F as F[N] extends Key<unknown, 'optional'> ? N : never]?: TypeOf<F[N]> }
>;

/** What every key declaration says besides its type. */
export interface About<T> {
  doc: string;
  default?: T;
  /** A default per variant of the enclosing section (`{ teacher: ..., student: ... }`). */
  byVariant?: Readonly<Record<string, T>>;
  source?: string;
}

function key<T, P extends Presence = 'plan'>(about: About<T>, schema: Key<T, P>['schema'], extra: Partial<Pick<AnyKey, 'fields' | 'item' | 'kinds' | 'variants' | 'recipeOnly' | 'nullable'>> = {}): Key<T, P> {
  const declared: Default<T> | undefined = about.byVariant !== undefined ? { byVariant: about.byVariant } : 'default' in about ? { value: about.default as T } : undefined;
  return { doc: about.doc, source: about.source, default: declared, fields: extra.fields, item: extra.item, kinds: extra.kinds, variants: extra.variants, recipeOnly: extra.recipeOnly ?? false, nullable: extra.nullable ?? false, schema };
}

const bounds = (range: Range): JsonSchema => Object.fromEntries(Object.entries(range).filter(([, value]) => value !== undefined));

/** Numeric bounds, as JSON Schema names them. */
export interface Range {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** An integer of at least `range` (a number) or within it. */
export function integer(range: number | Range, about: About<number>): Key<number> {
  return key(about, () => ({ type: 'integer', ...bounds(typeof range === 'number' ? { minimum: range } : range) }));
}

/** A number within `range`. */
export function number(range: Range, about: About<number>): Key<number> {
  return key(about, () => ({ type: 'number', ...bounds(range) }));
}

export function boolean(about: About<boolean>): Key<boolean> {
  return key(about, () => ({ type: 'boolean' }));
}

/** A string (non-empty unless `minLength` is 0). */
export function string(about: About<string>, minLength = 1): Key<string> {
  return key(about, () => ({ type: 'string', ...(minLength > 0 ? { minLength } : {}) }));
}

/** One of `values` (an `as const` list: the list and the type are the same declaration). */
export function oneOf<const V extends readonly string[]>(values: V, about: About<V[number]>): Key<V[number]> {
  return key(about, () => ({ type: 'string', enum: [...values] }));
}

/** `[a, b]`. */
export function pair<T>(item: Key<T>, about: About<NoInfer<[T, T]>>): Key<[T, T]> {
  return key(about, (_mode, child) => ({ type: 'array', items: child(item), minItems: 2, maxItems: 2 }), { item });
}

/** A list of at least `minItems` items, distinct when `unique`. */
export function list<T>(item: Key<T>, about: About<NoInfer<T[]>> & { minItems?: number; unique?: boolean }): Key<T[]> {
  return key(about, (_mode, child) => ({ type: 'array', items: child(item), minItems: about.minItems ?? 0, ...(about.unique === true ? { uniqueItems: true } : {}) }), { item });
}

/** The key's values or null, in ONE schema (a type list, not an anyOf), so a bad value inside reports its own key. */
export function nullable<T>(inner: Key<T>, about: Omit<About<NoInfer<T> | null>, 'doc'> & { doc?: string }): Key<T | null> {
  return key({ ...about, doc: about.doc ?? inner.doc }, (mode, child) => {
    const schema = inner.schema(mode, child);
    const values = schema.enum as unknown[] | undefined;
    return { ...schema, type: [schema.type as string, 'null'], ...(values === undefined ? {} : { enum: [...values, null] }) };
  }, { fields: inner.fields, item: inner.item, kinds: inner.kinds, variants: inner.variants, nullable: true });
}

/** A map of keys. In a recipe every key is optional except `recipeRequired`; in a Plan every key is required. */
export function section<const F extends Fields>(fields: F, about: About<SectionOf<F>> & { variants?: readonly string[]; recipeRequired?: readonly string[] }): Key<SectionOf<F>> {
  return key(about, (mode, child) => objectSchema(mode, fields, child, about.recipeRequired), { fields, ...(about.variants === undefined ? {} : { variants: about.variants }) });
}

function objectSchema(mode: Mode, fields: Fields, child: (key: AnyKey) => JsonSchema, recipeRequired: readonly string[] = []): JsonSchema {
  const names = Object.keys(fields).filter((name) => mode === 'recipe' || !fields[name]!.recipeOnly);
  const required = mode === 'plan' ? names : recipeRequired;
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((name) => [name, child(fields[name]!)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** A key that only recipe files may write (an old name read as its new one); not part of the Plan. */
export function recipeOnly<T>(inner: Key<T>): Key<T, 'recipe-only'> {
  return { ...inner, recipeOnly: true } as Key<T, 'recipe-only'>;
}

/**
 * A key that Plans written before it existed lack (the type makes it optional; new Plans always have it). `before`:
 * what those Plans meant; the hash leaves the key out while it holds that value, so their hashes hold.
 */
export function addedLater<T>(inner: Key<T>, options: { before?: NoInfer<T> } = {}): Key<T, 'optional'> {
  const later = 'before' in options ? { ...inner, before: { value: options.before } } : inner;
  return later as unknown as Key<T, 'optional'>;
}

/** A key whose schema has no builder above (a value of two forms): written out per mode, with its type. */
export function custom<T>(schemas: { plan: JsonSchema; recipe?: JsonSchema }, about: About<T>): Key<T> {
  return key(about, (mode) => (mode === 'recipe' && schemas.recipe !== undefined ? schemas.recipe : schemas.plan));
}

/**
 * An object tagged by `kind`, whose other fields every kind shares. A recipe may also write the kind alone
 * (`optimizer: adamw`) or the fields under the kind (`optimizer: { adamw: { lr: 1e-3 } }`); resolution rewrites both
 * to `{ kind: adamw, lr: 1e-3 }` (resolve/short-forms.ts).
 */
export function tagged<const V extends readonly string[], const F extends Fields>(
  kinds: V, kindAbout: About<V[number]>, shortForms: Readonly<Record<V[number], string>>, fields: F, about: About<SectionOf<{ kind: Key<V[number]> } & F>>,
): Key<SectionOf<{ kind: Key<V[number]> } & F>> {
  const all: Fields = { kind: oneOf(kinds, kindAbout), ...fields };
  const short = shortFormKeys(kinds, shortForms, () => fields);
  // The body cannot see through the generic mapped type; the signature states what it is.
  return key<unknown>(about as About<unknown>, (mode, child) => {
    if (mode === 'plan') return objectSchema(mode, all, child);
    // One schema, not an anyOf of the forms, so an editor reports a mistake once; resolution checks the exact form.
    return { type: ['object', 'string'], pattern: `^(?:${kinds.join('|')})$`, patternErrorMessage: `one of ${kinds.join(' | ')}`, additionalProperties: false, properties: Object.fromEntries(Object.entries({ ...all, ...short }).map(([name, field]) => [name, child(field)])) };
  }, { fields: { ...all, ...short }, kinds }) as never;
}

/** The `{ kind: { ...fields } }` entries of a tagged object, recipe-only: `null` for a kind without fields. */
function shortFormKeys(kinds: readonly string[], docs: Readonly<Record<string, string>>, fieldsOfKind: (kind: string) => Fields): Fields {
  return Object.fromEntries(kinds.map((name) => {
    const doc = `${docs[name]!} (short form of kind: ${name}).`;
    const fields = fieldsOfKind(name);
    const form = Object.keys(fields).length === 0 ? custom<null>({ plan: { type: 'null' } }, { doc }) : nullable(section(fields, { doc }), { doc });
    return [name, recipeOnly(form)];
  }));
}

type UnionOf<V extends readonly string[], B extends Record<V[number], Fields>> = { [K in V[number]]: Simplify<{ kind: K } & SectionOf<B[K]>> }[V[number]];

/**
 * An object tagged by `kind` whose fields depend on the kind (`smoothing: { kind: none }` or `{ kind: gaussian,
 * range, sigma }`), with the same short forms as `tagged`. ajv's discriminator keyword turns a bad `kind` in a Plan
 * into one clear error instead of one error per branch.
 */
export function taggedUnion<const V extends readonly string[], const B extends Record<V[number], Fields>>(
  kinds: V, kindAbout: About<V[number]>, shortForms: Readonly<Record<V[number], string>>, branches: B, about: Omit<About<UnionOf<V, B>>, 'default' | 'byVariant'>,
): Key<UnionOf<V, B>> {
  const kind = oneOf(kinds, kindAbout);
  const shared: Fields = Object.assign({ kind }, ...kinds.map((name: V[number]) => branches[name]));
  const short = shortFormKeys(kinds, shortForms, (name) => branches[name as V[number]]);
  const defaultKind = kindAbout.default;
  const declared = defaultKind === undefined ? about : { ...about, default: { kind: defaultKind, ...fieldDefaults(branches[defaultKind]) } as UnionOf<V, B> };
  return key(declared, (mode, child) => {
    if (mode === 'recipe') {
      return { type: ['object', 'string'], pattern: `^(?:${kinds.join('|')})$`, patternErrorMessage: `one of ${kinds.join(' | ')}`, additionalProperties: false, properties: Object.fromEntries(Object.entries({ ...shared, ...short }).map(([name, field]) => [name, child(field)])) };
    }
    const branch = (name: V[number]): JsonSchema => {
      const own: Fields = branches[name];
      return { type: 'object', additionalProperties: false, required: ['kind', ...Object.keys(own)], properties: { kind: { const: name }, ...Object.fromEntries(Object.entries(own).map(([field, value]) => [field, child(value)])) } };
    };
    return { type: 'object', required: ['kind'], properties: { kind: child(kind) }, oneOf: kinds.map(branch), discriminator: { propertyName: 'kind' } };
  }, { fields: { ...shared, ...short }, kinds });
}

/** Where the tagged objects are: dotted paths (`*` for any list item) and their kinds. */
export function taggedKeys(root: AnyKey): Array<{ path: string[]; kinds: readonly string[] }> {
  const found: Array<{ path: string[]; kinds: readonly string[] }> = [];
  const visit = (declared: AnyKey, path: string[]): void => {
    if (declared.kinds !== undefined) found.push({ path, kinds: declared.kinds });
    else for (const [name, field] of Object.entries(declared.fields ?? {})) visit(field, [...path, name]);
    if (declared.item !== undefined) visit(declared.item, [...path, '*']);
  };
  visit(root, []);
  return found;
}

/**
 * The default of a key: its declared one, or for a section the object of its keys' defaults. `variant` picks a
 * per-variant default (a stage's kind). Undefined when there is none (a required key, a key resolution decides).
 */
export function defaultOf(declared: AnyKey, variant?: string): unknown {
  const found = declared.default;
  if (found !== undefined) {
    if ('value' in found) return structuredClone(found.value);
    return variant === undefined ? undefined : structuredClone(found.byVariant[variant]);
  }
  return declared.fields === undefined || declared.nullable ? undefined : fieldDefaults(declared.fields, variant);
}

/** The defaults of a section's keys: what a section gets once a recipe writes it, even when its own default is null. */
export function fieldDefaults(fields: Readonly<Record<string, AnyKey>> | undefined, variant?: string): Record<string, unknown> {
  const entries = Object.entries(fields ?? {}).filter(([, field]) => !field.recipeOnly).map(([name, field]) => [name, defaultOf(field, variant)] as const);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** The JSON Schema of `root` in `mode`; in recipe mode every key carries its description and a single value its default. */
export function jsonSchemaOf(root: AnyKey, mode: Mode): JsonSchema {
  const build = (declared: AnyKey, variants: readonly string[] | undefined): JsonSchema => {
    const inner = declared.variants ?? variants;
    const schema = declared.schema(mode, (child) => build(child, inner));
    // List items are described by their list.
    const description = declared.doc === '' ? {} : { description: declared.doc };
    return { ...schema, ...description, ...(mode === 'recipe' ? defaultAnnotation(declared, inner, declared.doc) : {}) };
  };
  return build(root, undefined);
}

/** `default` for a single value; for a default that differs by variant, the description names each. */
function defaultAnnotation(declared: AnyKey, variants: readonly string[] | undefined, doc: string): JsonSchema {
  const values = variants === undefined ? [defaultOf(declared)] : variants.map((variant) => defaultOf(declared, variant));
  const first = values[0];
  if (values.some((value) => JSON.stringify(value) !== JSON.stringify(first))) {
    return { description: `${doc} Default: ${variants!.map((variant, index) => `${variant} ${JSON.stringify(values[index])}`).join(', ')}.` };
  }
  const single = first === null || typeof first !== 'object' || Array.isArray(first);
  return first !== undefined && single ? { default: first } : {};
}
