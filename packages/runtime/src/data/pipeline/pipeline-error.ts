// Typed errors of the input pipeline and the synthetic anomaly generators: a code for programs, a path (file or
// folder) when one is to blame, so the CLI can print one precise line.

/** What can go wrong while turning a dataset into model inputs. */
export type PipelineErrorCode =
  | 'UNKNOWN_GENERATOR'
  | 'OBJECTS_FOLDER_MISSING'
  | 'OBJECTS_FOLDER_EMPTY'
  | 'OBJECT_MASKS_MISSING'
  | 'OBJECT_FRAME_MISMATCH'
  | 'NO_TRAINING_VIDEOS'
  | 'FRAME_SIZE'
  | 'CONTEXT'
  | 'SYNTHETIC_OPTIONS'
  | 'HELD_OUT';

/** A problem building model inputs; `path` names the file or folder involved, '' when none. */
export class PipelineError extends Error {
  override name = 'PipelineError';
  readonly code: PipelineErrorCode;
  readonly path: string;

  constructor(code: PipelineErrorCode, message: string, path = '') {
    super(path === '' ? message : `${path}: ${message}`);
    this.code = code;
    this.path = path;
  }
}
