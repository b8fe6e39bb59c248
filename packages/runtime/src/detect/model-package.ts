// Model packages on disk: a folder with model.onnx (the scoring graph) and vadc-model.json (the manifest, see
// @vadc/runtime's model-package.ts). `vadc export` writes one; `vadc score` and `vadc calibrate` read one wherever
// they take a run folder.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkModelManifest, type ModelManifest } from '../onnx/model-package.ts';
import { UsageError } from '../run-io.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run-folder/files.ts';

/** The manifest's file name inside a package folder. */
export const MANIFEST_FILE = 'vadc-model.json';

/** A package read from disk. */
export interface ModelPackage {
  directory: string;
  graph: Uint8Array;
  manifest: ModelManifest;
}

/** Whether `path` is a package folder or its manifest file. */
export function isModelPackage(path: string): boolean {
  if (basename(path) === MANIFEST_FILE) return existsSync(path);
  return existsSync(join(path, MANIFEST_FILE)) && statSync(path).isDirectory();
}

/** Writes the graph and the manifest into `directory` (each atomically; the manifest last, so it names a whole graph). */
export async function writeModelPackage(directory: string, graph: Uint8Array, manifest: ModelManifest): Promise<void> {
  await writeFileAtomic(join(directory, manifest.graph), graph);
  await writeJsonAtomic(join(directory, MANIFEST_FILE), manifest);
}

/** A package folder's manifest, checked; a usage error naming the file when it is not a readable manifest. */
export async function readModelManifest(directory: string): Promise<ModelManifest> {
  const manifestPath = join(directory, MANIFEST_FILE);
  try {
    return checkModelManifest(JSON.parse(await readFile(manifestPath, 'utf8')));
  } catch (error) {
    throw new UsageError(`${manifestPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads a package folder (or its manifest file); a usage error naming the file when it is not a readable package. */
export async function readModelPackage(path: string): Promise<ModelPackage> {
  const directory = basename(path) === MANIFEST_FILE ? dirname(path) : path;
  const manifest = await readModelManifest(directory);
  const graphPath = join(directory, manifest.graph);
  const graph = await readFile(graphPath).catch(() => null);
  if (graph === null) throw new UsageError(`${graphPath}: the package's graph is missing`);
  return { directory, graph: new Uint8Array(graph), manifest };
}
