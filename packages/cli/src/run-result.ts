// What `vadc run`, `vadc train` and `vadc eval` print as their result on stdout with --json: the run folder, its
// hashes, the dataset fingerprint and the metrics. Everything else these commands say is progress, on stderr.
import type { CommandIO } from './command.ts';
import { readRunMetrics, type RunFolder } from '@vadc/runtime';

/** The --json result of a run: run.json's identity and the metrics (null before scoring). */
export async function runResultJson(run: RunFolder): Promise<string> {
  const metrics = await readRunMetrics(run.directory);
  const { name, id, hash, status, datasetFingerprint } = run.record;
  return `${JSON.stringify({ run: run.directory, name, id, hash, status, datasetFingerprint: datasetFingerprint ?? null, metrics }, null, 2)}\n`;
}

/** With --json, human-readable result lines become logs (stderr) so stdout holds only the JSON. */
export function ioForJson(io: CommandIO, json: boolean): CommandIO {
  return json ? { ...io, stdout: io.stderr } : io;
}
