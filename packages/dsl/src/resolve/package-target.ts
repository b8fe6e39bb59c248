// `extends: '@acme/vadc-recipes/ped2.yaml'`: a recipe inside an installed npm package, found as Node finds modules
// (the nearest `node_modules/<package>/package.json` from the naming file's folder upwards), through the injected
// reader. The file must stay inside the package folder, and the package's own `extends` may not leave it (except to
// other installed packages), so a published recipe set cannot read the installing project's files. A misspelt
// package name gets a did-you-mean from the packages installed in the folders searched, and a file the package does
// not hold the list of the recipes it does (both where the reader can list folders).
import { dirnamePath, isInsidePath, joinPath, normalizePath, type RecipeReader } from '../reader.ts';
import { closestMatch } from '../suggest.ts';

/** An `extends` value naming a file of a package: the package name and the file's path inside it. */
export interface PackageSpec {
  name: string;
  file: string;
}

/**
 * The package spec of an `extends` value, or undefined for a file path. `./x`, `../x` and `/x` are paths; `@scope/name/file`
 * and `name/file` are package specs (a bare name without a file is not: it names no recipe).
 */
export function packageSpec(value: string): PackageSpec | undefined {
  if (value.startsWith('.') || value.startsWith('/')) return undefined;
  const parts = value.split('/');
  const nameLength = value.startsWith('@') ? 2 : 1;
  if (parts.length <= nameLength || parts.slice(0, nameLength).some((part) => part === '')) return undefined;
  return { name: parts.slice(0, nameLength).join('/'), file: parts.slice(nameLength).join('/') };
}

/** Where a package spec leads: the package folder and the file, or why it cannot be used and what to do. */
export type PackageTarget =
  | { ok: true; packageFolder: string; path: string }
  | { ok: false; reason: 'not-installed' | 'no-such-file' | 'outside-package'; message: string; hint: string };

/** The node_modules folders Node searches from `namingFile`'s folder upwards, nearest first. */
function nodeModulesFolders(namingFile: string): string[] {
  const folders: string[] = [];
  for (let folder = dirnamePath(namingFile); ; folder = dirnamePath(folder)) {
    folders.push(joinPath(folder, 'node_modules'));
    if (dirnamePath(folder) === folder) return folders;
  }
}

/** Resolves `spec` from the folder of `namingFile` upwards, as Node's module resolution does. */
export async function resolvePackageTarget(spec: PackageSpec, namingFile: string, reader: RecipeReader): Promise<PackageTarget> {
  const searched = nodeModulesFolders(namingFile);
  for (const nodeModules of searched) {
    const packageFolder = joinPath(nodeModules, spec.name);
    if (!(await reader.exists(joinPath(packageFolder, 'package.json')))) continue;
    const path = normalizePath(joinPath(packageFolder, spec.file));
    if (!isInsidePath(path, packageFolder) || path === packageFolder) {
      return { ok: false, reason: 'outside-package', message: `\`extends\` reaches ${path}, outside the package ${spec.name} (${packageFolder})`, hint: 'a recipe of a package may only name files inside that package' };
    }
    if (!(await reader.exists(path))) {
      const recipes = await recipesOfPackage(packageFolder, reader);
      const match = closestMatch(spec.file, recipes);
      const held = recipes.length === 0 ? 'the package holds no .yaml files' : `the package holds ${recipes.slice(0, MAX_LISTED).join(', ')}${recipes.length > MAX_LISTED ? ` and ${recipes.length - MAX_LISTED} more` : ''}`;
      return {
        ok: false, reason: 'no-such-file', message: `\`extends\` names ${spec.file} of the package ${spec.name} (${packageFolder}), which holds no such file`,
        hint: match === undefined ? held : `did you mean \`${spec.name}/${match}\`? ${held.replace(/^t/, 'T')}`,
      };
    }
    return { ok: true, packageFolder, path };
  }
  const match = closestMatch(spec.name, await installedPackages(searched, reader));
  return {
    ok: false, reason: 'not-installed', message: `\`extends\` names the package ${spec.name}, which is not installed in a node_modules folder above ${dirnamePath(namingFile)}`,
    hint: match !== undefined ? `did you mean \`${match}/${spec.file}\`? (${match} is installed)` : `install it (npm install ${spec.name}), or write a relative path starting with ./`,
  };
}

/** At most this many recipes of a package are named in a hint. */
const MAX_LISTED = 12;

/** Package names (`name`, `@scope/name`) installed in the given node_modules folders, where the reader can list them. */
async function installedPackages(nodeModulesFolders: readonly string[], reader: RecipeReader): Promise<string[]> {
  const names = new Set<string>();
  for (const nodeModules of nodeModulesFolders) {
    for (const entry of await foldersIn(nodeModules, reader)) {
      if (!entry.startsWith('@')) names.add(entry);
      else for (const scoped of await foldersIn(joinPath(nodeModules, entry), reader)) names.add(`${entry}/${scoped}`);
    }
  }
  return [...names];
}

/** The `.yaml` / `.yml` files of a package folder and its subfolders (paths inside it), without its node_modules. */
async function recipesOfPackage(packageFolder: string, reader: RecipeReader, inside = '', depth = 0): Promise<string[]> {
  const listing = await reader.listFolder?.(joinPath(packageFolder, inside)).catch(() => undefined);
  if (listing === undefined) return [];
  const here = listing.files.filter((name) => /\.ya?ml$/i.test(name)).sort().map((name) => (inside === '' ? name : `${inside}/${name}`));
  if (depth >= 3) return here;
  const below: string[] = [];
  for (const folder of listing.folders.filter((name) => name !== 'node_modules' && !name.startsWith('.')).sort()) {
    below.push(...(await recipesOfPackage(packageFolder, reader, inside === '' ? folder : `${inside}/${folder}`, depth + 1)));
  }
  return [...here, ...below];
}

/** The folders in a folder, without hidden ones (`.bin`, `.pnpm`); none where the reader cannot list it. */
async function foldersIn(folder: string, reader: RecipeReader): Promise<string[]> {
  const listing = await reader.listFolder?.(folder).catch(() => undefined);
  return listing === undefined ? [] : listing.folders.filter((name) => !name.startsWith('.'));
}
