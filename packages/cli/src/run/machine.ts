// What a run records about where it ran: versions of vadc and its numerical dependencies, Node, the CPU.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';

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

async function packageVersion(name: string, from: string): Promise<string> {
  try {
    const path = createRequire(from).resolve(`${name}/package.json`);
    return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** Collects versions and machine facts (cheap: reads a few package.json files). */
export async function machineInfo(): Promise<MachineInfo> {
  const own = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  // Dependencies are resolved from the package that depends on them (pnpm keeps them out of each other's reach).
  const owners: Record<string, string[]> = {
    '@vadc/runtime': ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'sharp'],
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
