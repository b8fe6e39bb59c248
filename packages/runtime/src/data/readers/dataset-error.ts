// Typed errors of the dataset readers. A reader never skips a problem silently: it throws a DatasetError whose
// `code` says what is wrong and whose `path` names the file or folder, so the CLI can print one precise line.

/** What can be wrong with a dataset on disk. */
export type DatasetErrorCode =
  | 'MISSING_ROOT'
  | 'MISSING_FOLDER'
  | 'MISSING_FILE'
  | 'BROKEN_LINK'
  | 'BAD_NAME'
  | 'MISSING_TRUTH'
  | 'TRUNCATED_VIDEO'
  | 'EMPTY_SPLIT'
  | 'EMPTY_VIDEO'
  | 'UNREADABLE_IMAGE'
  | 'TRUNCATED_IMAGE'
  | 'UNSUPPORTED_IMAGE'
  | 'MIXED_RESOLUTION'
  | 'LABEL_LENGTH'
  | 'MASK_COUNT'
  | 'MASK_SIZE'
  | 'BAD_LABELS'
  | 'BAD_MAT'
  | 'MISSING_VARIABLE'
  | 'BAD_NPY'
  | 'BAD_TRACKS'
  | 'BAD_SPLIT_LIST'
  | 'VIDEO_PROBE'
  | 'VIDEO_DECODE'
  | 'RAW_FRAMES'
  | 'STREAM_LOST'
  | 'FRAME_INDEX'
  | 'UNKNOWN_DATASET';

/** A problem with the dataset at `path` (a file or folder; '' when a parser does not know where its bytes came from). */
export class DatasetError extends Error {
  override name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly path: string;

  constructor(code: DatasetErrorCode, message: string, path = '') {
    super(path === '' ? message : `${path}: ${message}`);
    this.code = code;
    this.path = path;
  }
}

/** Re-throws a path-less DatasetError from a parser with the file it was parsing; other errors pass unchanged. */
export function withPath(error: unknown, path: string): unknown {
  if (error instanceof DatasetError && error.path === '') return new DatasetError(error.code, error.message, path);
  return error;
}

/** Runs a parser on the bytes of `path`, naming the file in any DatasetError it throws. */
export function parsing<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw withPath(error, path);
  }
}
