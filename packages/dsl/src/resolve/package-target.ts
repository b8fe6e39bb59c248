// `extends: '@acme/vadc-recipes/ped2.yaml'`: a recipe inside an installed npm package, found as Node finds modules
// (the nearest `node_modules/<package>/package.json` from the naming file's folder upwards), through the injected
// reader. The file must stay inside the package folder, and the package's own `extends` may not leave it (except to
// other installed packages), so a published recipe set cannot read the installing project's files.
import { dirnamePath, isInsidePath, joinPath, normalizePath, type RecipeReader } from '../reader.ts';

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

/** Where a package spec leads: the package folder and the file, or why it cannot be used. */
export type PackageTarget =
  | { ok: true; packageFolder: string; path: string }
  | { ok: false; reason: 'not-installed' | 'outside-package'; message: string };

/** Resolves `spec` from the folder of `namingFile` upwards, as Node's module resolution does. */
export async function resolvePackageTarget(spec: PackageSpec, namingFile: string, reader: RecipeReader): Promise<PackageTarget> {
  let folder = dirnamePath(namingFile);
  for (;;) {
    const packageFolder = joinPath(folder, 'node_modules', spec.name);
    if (await reader.exists(joinPath(packageFolder, 'package.json'))) {
      const path = normalizePath(joinPath(packageFolder, spec.file));
      if (!isInsidePath(path, packageFolder) || path === packageFolder) {
        return { ok: false, reason: 'outside-package', message: `\`extends\` reaches ${path}, outside the package ${spec.name} (${packageFolder})` };
      }
      return { ok: true, packageFolder, path };
    }
    const parent = dirnamePath(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return { ok: false, reason: 'not-installed', message: `\`extends\` names the package ${spec.name}, which is not installed in a node_modules folder above ${dirnamePath(namingFile)}` };
}
