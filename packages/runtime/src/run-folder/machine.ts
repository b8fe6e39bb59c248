// What a run records about where it ran: versions of vadc and its numerical dependencies, Node, the CPU.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** Versions and machine description saved with every run. */
export interface MachineInfo {
  vadc: string;
  node: string;
  dependencies: Record<string, string>;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
}

const require = createRequire(import.meta.url);

// A package's version. Packages whose `exports` hide package.json (sharp) are found from their entry point, walking
// up to the package.json that names them.
async function packageVersion(name: string, from: string): Promise<string> {
  const require = createRequire(from);
  const read = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as { name?: string; version: string };
  try {
    return (await read(require.resolve(`${name}/package.json`))).version;
  } catch {
    // fall through to the entry point
  }
  try {
    let folder = dirname(require.resolve(name));
    while (folder !== dirname(folder)) {
      const found = await read(join(folder, 'package.json')).catch(() => null);
      if (found?.name === name) return found.version;
      folder = dirname(folder);
    }
  } catch {
    // not installed
  }
  return 'not installed';
}

/** Collects versions and machine facts (cheap: reads a few package.json files). */
export async function machineInfo(): Promise<MachineInfo> {
  const own = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  // Dependencies are resolved from the package that depends on them (pnpm keeps them out of each other's reach).
  const owners: Record<string, string[]> = {
    '@vadc/runtime': ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'sharp', 'onnxruntime-node', '@ffmpeg-installer/ffmpeg'],
    '@vadc/dsl': ['yaml', 'ajv'],
  };
  const dependencies: Record<string, string> = {};
  for (const [owner, names] of Object.entries(owners)) {
    const entry = require.resolve(owner);
    for (const name of names) dependencies[name] = await packageVersion(name, entry);
  }
  const cpus = os.cpus();
  return {
    vadc: own.version,
    node: process.version,
    dependencies,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/**
 * Bytes of memory this process may use: the machine's, or its container's limit when that is lower (a cgroup limit,
 * which os.totalmem() does not see). Recipes' resource bounds are checked against it before anything runs.
 */
export function machineMemoryBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(limit, os.totalmem()) : os.totalmem();
}
