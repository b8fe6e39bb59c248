// Options shared by the commands that resolve recipes (--set, --allow-env, --root) and their help lines, in one home.
// Their parsed values go to @vadc/runtime's loadRecipe / resolveOptionsFrom, which read `set`, `allow-env`, `root`.

/** Options shared by commands that resolve recipes: --set, --allow-env, --root. */
export const recipeOptions = {
  set: { type: 'string', multiple: true },
  'allow-env': { type: 'string', multiple: true },
  root: { type: 'string', multiple: true },
} as const;

/** Help lines of recipeOptions (one home, spread into each command's help). */
export const recipeOptionHelp = {
  set: 'override a recipe value: `--set a.b=VALUE` (VALUE is YAML: 3, [64,96], adamw), `--set ~a.b` deletes it so the default applies',
  'allow-env': 'let the recipe read ${env:NAME} for this NAME (recipes may read VADC_* only)',
  root: 'a folder `extends:` may reach besides the recipe\'s project',
} as const;
