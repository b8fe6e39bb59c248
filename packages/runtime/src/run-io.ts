// What the application writes to and throws: the output sinks of a run (CommandIO: the CLI passes the process
// streams, a program or test its own buffers) and the errors whose kind decides the CLI's exit status (UsageError,
// InputError: 2; CheckFailedError: 1). Moved here with the application from @vadc/cli (issue 25).

/** Where a command writes. Tests pass buffers; main.ts passes the process streams. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr, where progress goes, is an interactive terminal (progress bars) or not (plain periodic lines). */
  isTerminal: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Called after each training step (a queue worker reports it as the job's progress: epoch, frames/s). */
  onTrainingStep?: (report: TrainingStepReport) => void;
}

/** Where a training is, after one of its steps. */
export interface TrainingStepReport {
  stage: string;
  /** 1-based epoch of the stage. */
  epoch: number;
  epochs: number;
  framesPerSecond: number;
}

/** A usage or input error: printed as one line on stderr, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input that cannot be used (a damaged video, a stream that is gone): one line on stderr, exit status 2, no usage line. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A check of the inputs or of a run folder that failed: exit status 1, one line on stderr. */
export class CheckFailedError extends Error {
  override name = 'CheckFailedError';
}
