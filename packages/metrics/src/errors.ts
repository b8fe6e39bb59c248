// The one error type of @vadc/metrics. Metrics are pure functions, so bad input is reported by throwing a typed
// error whose `code` callers (the CLI) switch on and whose `details` say where (video, frame, index) it was found.

/** Every way an input to a metric can be invalid. */
export type MetricsErrorCode =
  | 'NON_FINITE_SCORE'
  | 'INVALID_LABEL'
  | 'LENGTH_MISMATCH'
  | 'ODD_RANGE'
  | 'INVALID_SMOOTHING'
  | 'UNKNOWN_PRESET'
  | 'DUPLICATE_VIDEO'
  | 'EMPTY_INPUT'
  | 'INVALID_BOX'
  | 'INVALID_OPTION';

/** Where in the input the problem is; any subset may be known. */
export interface MetricsErrorDetails {
  video?: string;
  frame?: number;
  index?: number;
  field?: string;
}

/** A metric input error: a stable `code`, a readable message and the position in the input. */
export class MetricsError extends Error {
  override name = 'MetricsError';
  readonly code: MetricsErrorCode;
  readonly details: MetricsErrorDetails;

  constructor(code: MetricsErrorCode, message: string, details: MetricsErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
