// Ctrl-C on a coordinator (`vadc sweep --queue`, `vadc score --queue`, `vadc queue attach`): the jobs belong to the
// workers, so stopping the coordinator is a choice. On a terminal it asks whether to cancel the batch or leave it
// running; without one (a pipe, CI, a Job's pod) it leaves the jobs and says so. Either way it prints how to
// re-attach, and the command exits 130. A second Ctrl-C leaves at once.
import { createInterface } from 'node:readline/promises';
import type { Queue } from 'bullmq';
import type { CommandIO } from '../command.ts';
import { cancelBatch, describeCancel, type BatchRecord } from './batches.ts';
import type { QueueAddress } from './connection.ts';

/** Exit status of a coordinator stopped by Ctrl-C (128 + SIGINT), whether it cancelled its batch or left it. */
export const EXIT_INTERRUPTED = 130;

/** The coordinator stopped waiting: the batch was cancelled or left running (the message says which, and how to re-attach). */
export class CoordinatorStopped extends Error {
  override name = 'CoordinatorStopped';
}

/** A wait that Ctrl-C can stop. */
export interface Interruption {
  /** Throws CoordinatorStopped after asking (or saying) what happens to the batch, when Ctrl-C was pressed. */
  check(): Promise<void>;
  release(): void;
}

/** Installs the Ctrl-C handling for a wait on `batch`. */
export function interruptible(queue: Queue, options: { batch: BatchRecord; address: QueueAddress }, io: CommandIO): Interruption {
  const { batch, address } = options;
  const attach = `vadc queue attach ${batch.id} --queue ${address.display}`;
  const cancel = `vadc queue cancel ${batch.id} --queue ${address.display}`;
  let requested = false;
  const onSignal = () => {
    if (requested) {
      io.stderr(`\nCtrl-C again: leaving batch ${batch.id} running on the workers; re-attach with: ${attach}\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    requested = true;
  };
  process.on('SIGINT', onSignal);
  return {
    async check() {
      if (!requested) return;
      if (!process.stdin.isTTY) {
        io.stderr(`\ninterrupted: batch ${batch.id} is left running on the workers (stdin is not a terminal, so nothing was asked); re-attach with: ${attach}; cancel with: ${cancel}\n`);
        throw new CoordinatorStopped(`left batch ${batch.id} running`);
      }
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(`\ninterrupted: cancel batch ${batch.id} (remove its jobs that have not finished) or leave it running on the workers? [c]ancel / [l]eave (default leave): `);
      prompt.close();
      if (/^\s*c/i.test(answer)) {
        io.stderr(`${describeCancel(batch.id, await cancelBatch(queue, batch))}\n`);
        throw new CoordinatorStopped(`cancelled batch ${batch.id}`);
      }
      io.stderr(`left batch ${batch.id} running on the workers; re-attach with: ${attach}\n`);
      throw new CoordinatorStopped(`left batch ${batch.id} running`);
    },
    release() {
      process.off('SIGINT', onSignal);
    },
  };
}
