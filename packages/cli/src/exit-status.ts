// Which exit status an error that reached the CLI boundary gives. A dataset with problems, a file of a run that is
// not what vadc wrote, a run folder held by another process, a file that could not be written (a full disk): checks that failed (1), as the README promises; what
// the user typed wrong stays a usage or input error (2).
import { CheckFailedError, DatasetError, FileWriteError, IntegrityError, PipelineError } from '@vadc/runtime';
import { EXIT_FAILED, EXIT_INTERNAL, EXIT_USAGE, isInputError } from './command.ts';

export { CheckFailedError } from '@vadc/runtime';

/** The exit status of an error thrown by a command: 1 a failed check, 2 an input error, 3 an internal error (a bug). */
export function exitStatusOf(error: unknown): number {
  const failedCheck = error instanceof CheckFailedError || error instanceof DatasetError || error instanceof IntegrityError || error instanceof PipelineError
    || error instanceof FileWriteError;
  if (failedCheck) return EXIT_FAILED;
  return isInputError(error) ? EXIT_USAGE : EXIT_INTERNAL;
}
