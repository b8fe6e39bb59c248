// Bounds on what a recipe may make the resolver build. A recipe is shared like code, so a few hundred bytes must
// never expand into gigabytes: YAML aliases and `${...}` references copy values, and without a bound nine levels of
// nine aliases are 9^9 nodes. Real recipes are a few hundred nodes and short strings, far below these.

/** Most nodes (maps, lists, scalars) one recipe file may expand to, aliases counted at every use. */
export const MAX_RECIPE_NODES = 20_000;

/** Most nodes `${...}` references may copy into a recipe, all references together. */
export const MAX_REFERENCE_NODES = 20_000;

/** Longest string a `${...}` interpolation may produce. */
export const MAX_INTERPOLATED_LENGTH = 16_384;
